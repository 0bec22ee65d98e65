"""A&A meetings may record the time they start (calendar feeds show them timed)

Revision ID: f1a3c5e7b920
Revises: e7b2c4d6f813
Create Date: 2026-11-30 16:55:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f1a3c5e7b920"
down_revision = "e7b2c4d6f813"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("starts_at")
