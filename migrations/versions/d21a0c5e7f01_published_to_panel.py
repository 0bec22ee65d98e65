"""Actions the OPCC publishes to the Police and Crime Panel

Revision ID: d21a0c5e7f01
Revises: 50e86a2748d6
Create Date: 2026-11-30 12:45:00.000000

The Panel scrutinises the PCC, not the force: it now sees an action only when the OPCC
has published it to the Panel, or when it is OFFICIAL and arises from a published Panel
item or meeting. Existing actions start unpublished.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd21a0c5e7f01'
down_revision = '50e86a2748d6'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no table rebuild, so the search index's triggers stay.
    op.add_column(
        'actions',
        sa.Column('published_to_panel', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    with op.batch_alter_table('actions') as batch_op:
        batch_op.drop_column('published_to_panel')
