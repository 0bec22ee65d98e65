"""Durable jobs: progress, the claiming worker and the output's type on report jobs

Revision ID: c4e8a2f61d57
Revises: b7d2e4a91c03
Create Date: 2026-11-30 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2f61d57'
down_revision = 'b7d2e4a91c03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('progress_done', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('progress_total', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('stage', sa.String(length=80), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('claimed_by', sa.String(length=120), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                'content_type',
                sa.String(length=100),
                server_default='application/pdf',
                nullable=False,
            )
        )
        batch_op.create_index(batch_op.f('ix_report_jobs_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_jobs_status'))
        batch_op.drop_column('content_type')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('stage')
        batch_op.drop_column('progress_total')
        batch_op.drop_column('progress_done')
