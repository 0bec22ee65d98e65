"""Written responses from the force, and national HMICFRS reports applying to the force

Revision ID: d1f3a7c2e8b4
Revises: d21a0c5e7f01
Create Date: 2026-11-30 12:40:00.000000

written_responses keeps every version of the Chief Constable's response to an ad-hoc
request and comments on an HMICFRS report. hmicfrs_reports gains applies_to_force (a
national report the OPCC marks as addressed to the force) and the accepted comments.
"""
from alembic import op
import sqlalchemy as sa

from tracker.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd1f3a7c2e8b4'
down_revision = 'd21a0c5e7f01'
branch_labels = None
depends_on = None

STATES = ('draft', 'submitted', 'sent_back', 'accepted')
METHODS = ('evidence_reviewed', 'dip_sample', 'presentation_at_meeting', 'other')
VERDICTS = ('assured', 'partly_assured', 'not_assured')


def upgrade():
    with op.batch_alter_table('hmicfrs_reports', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('applies_to_force', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('cc_comments', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cc_comments_received_on', sa.Date(), nullable=True))
    with op.batch_alter_table('hmicfrs_reports', schema=None) as batch_op:
        batch_op.alter_column('applies_to_force', server_default=None)
        batch_op.alter_column('cc_comments', server_default=None)

    op.create_table(
        'written_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('adhoc_request_id', sa.Integer(), nullable=True),
        sa.Column('hmicfrs_report_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column(
            'state',
            sa.Enum(*STATES, name='response_state', native_enum=False, create_constraint=True, length=9),
            nullable=False,
        ),
        sa.Column('drafted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', UTCDateTime(), nullable=True),
        sa.Column('submitted_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('review_reason', sa.Text(), nullable=False),
        sa.Column(
            'assurance_method',
            sa.Enum(
                *METHODS,
                name='response_assurance_method',
                native_enum=False,
                create_constraint=True,
                length=23,
            ),
            nullable=True,
        ),
        sa.Column(
            'assurance_verdict',
            sa.Enum(
                *VERDICTS,
                name='response_assurance_verdict',
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=True,
        ),
        sa.Column('assurance_note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            '(adhoc_request_id IS NULL) <> (hmicfrs_report_id IS NULL)',
            name=op.f('ck_written_responses_one_subject'),
        ),
        sa.CheckConstraint(
            "state = 'draft' OR submitted_at IS NOT NULL",
            name=op.f('ck_written_responses_submitted_when'),
        ),
        sa.CheckConstraint(
            "state <> 'sent_back' OR review_reason <> ''",
            name=op.f('ck_written_responses_sent_back_reason'),
        ),
        sa.CheckConstraint(
            "state <> 'accepted' OR (assurance_verdict IS NOT NULL "
            "AND assurance_verdict <> 'not_assured')",
            name=op.f('ck_written_responses_accepted_assured'),
        ),
        sa.ForeignKeyConstraint(
            ['adhoc_request_id'],
            ['adhoc_requests.id'],
            name=op.f('fk_written_responses_adhoc_request_id_adhoc_requests'),
        ),
        sa.ForeignKeyConstraint(
            ['hmicfrs_report_id'],
            ['hmicfrs_reports.id'],
            name=op.f('fk_written_responses_hmicfrs_report_id_hmicfrs_reports'),
        ),
        sa.ForeignKeyConstraint(
            ['drafted_by_id'], ['users.id'], name=op.f('fk_written_responses_drafted_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['submitted_by_id'],
            ['users.id'],
            name=op.f('fk_written_responses_submitted_by_id_users'),
        ),
        sa.ForeignKeyConstraint(
            ['reviewed_by_id'], ['users.id'], name=op.f('fk_written_responses_reviewed_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_written_responses')),
        sa.UniqueConstraint(
            'adhoc_request_id', 'number', name='uq_written_responses_request_number'
        ),
        sa.UniqueConstraint(
            'hmicfrs_report_id', 'number', name='uq_written_responses_report_number'
        ),
    )
    with op.batch_alter_table('written_responses', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_written_responses_adhoc_request_id'), ['adhoc_request_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_written_responses_hmicfrs_report_id'), ['hmicfrs_report_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('written_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_written_responses_hmicfrs_report_id'))
        batch_op.drop_index(batch_op.f('ix_written_responses_adhoc_request_id'))
    op.drop_table('written_responses')
    with op.batch_alter_table('hmicfrs_reports', schema=None) as batch_op:
        batch_op.drop_column('cc_comments_received_on')
        batch_op.drop_column('cc_comments')
        batch_op.drop_column('applies_to_force')
