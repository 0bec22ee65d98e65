"""Report job leases and attempts: interrupted jobs are found and tried again

Revision ID: b7d41e0a9c12
Revises: a3d5e7f9c2b1
Create Date: 2026-11-30 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e0a9c12'
down_revision = 'a3d5e7f9c2b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('attempt', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempt')
        batch_op.drop_column('lease_until')
