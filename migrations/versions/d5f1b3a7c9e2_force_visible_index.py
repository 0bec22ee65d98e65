"""A partial index of the actions a force reader may see, in due date order

Revision ID: d5f1b3a7c9e2
Revises: c4e8a1f2d9b6
Create Date: 2026-11-30 12:30:00.000000

A force reader's action list counted its rows by reading every row of the table (no
index starts with owning_organisation and opcc_only). This index holds only the rows
the force may see, so the count reads the index alone and the first page comes in due
date order. It is partial so that no other query's plan can pick it up; the queries
that use it send the force's visibility with its values inline
(tracker.policy.action_visibility), as its predicate is written.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5f1b3a7c9e2'
down_revision = 'c4e8a1f2d9b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_actions_force_visible',
        'actions',
        ['due_on'],
        unique=False,
        sqlite_where=sa.text("owning_organisation = 'force' AND opcc_only IS 0"),
        postgresql_where=sa.text("owning_organisation = 'force' AND opcc_only IS false"),
    )


def downgrade():
    op.drop_index('ix_actions_force_visible', table_name='actions')
