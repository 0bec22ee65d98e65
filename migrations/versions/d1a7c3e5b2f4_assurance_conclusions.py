"""Assurance conclusions: the method and verdict kept on the status change that assured an action

Revision ID: d1a7c3e5b2f4
Revises: d2a7c5e19f40
Create Date: 2026-11-30 12:40:00.000000

Existing status changes (closures included) are left without a conclusion: those
actions were closed before conclusions were recorded.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a7c3e5b2f4'
down_revision = 'd2a7c5e19f40'
branch_labels = None
depends_on = None

METHODS = ('evidence_reviewed', 'dip_sample', 'presentation_at_meeting', 'other')
VERDICTS = ('assured', 'partly_assured', 'not_assured')


def upgrade():
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assurance_method', sa.Enum(*METHODS, name='assurance_method', native_enum=False, create_constraint=True, length=23), nullable=True))
        batch_op.add_column(sa.Column('assurance_verdict', sa.Enum(*VERDICTS, name='assurance_verdict', native_enum=False, create_constraint=True, length=14), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_action_updates_assurance_method_with_verdict'),
            '(assurance_method IS NULL) = (assurance_verdict IS NULL)',
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_action_updates_assurance_only_of_implemented'),
            "assurance_verdict IS NULL OR from_status = 'implemented'",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_action_updates_not_assured_never_closes'),
            "NOT (to_status = 'closed' AND assurance_verdict = 'not_assured')",
        )


def downgrade():
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_action_updates_not_assured_never_closes'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_action_updates_assurance_only_of_implemented'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_action_updates_assurance_method_with_verdict'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_action_updates_assurance_verdict'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_action_updates_assurance_method'), type_='check')
        batch_op.drop_column('assurance_verdict')
        batch_op.drop_column('assurance_method')
