"""An index on the force's visibility predicate, in due date order

Revision ID: d5f1b3a7c9e2
Revises: c4e8a1f2d9b6
Create Date: 2026-11-30 12:30:00.000000

A force reader's action list counted its rows by reading every row of the table
(no index starts with owning_organisation and opcc_only); this one answers the count
from the index alone and gives the first page in due date order.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5f1b3a7c9e2'
down_revision = 'c4e8a1f2d9b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_actions_visibility',
        'actions',
        ['owning_organisation', 'opcc_only', 'due_on'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_actions_visibility', table_name='actions')
