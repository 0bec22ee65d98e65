"""Covering indexes for the dashboard, the home page and the navigation counts

Revision ID: c4e8a2d6f1b9
Revises: c4e8a2f61d57
Create Date: 2026-11-30 09:30:00.000000

ix_actions_overdue and ix_actions_owner_overdue start with the columns of
ix_actions_status_due_on and ix_actions_owner_id_status, which they replace.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a2d6f1b9'
down_revision = 'c4e8a2f61d57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_actions_overdue',
        'actions',
        ['status', 'due_on', 'owning_organisation', 'opcc_only'],
        unique=False,
    )
    op.create_index(
        'ix_actions_dashboard',
        'actions',
        ['status', 'source_type', 'owner_id', 'due_on', 'owning_organisation', 'opcc_only'],
        unique=False,
    )
    op.create_index(
        'ix_actions_owner_overdue',
        'actions',
        ['owner_id', 'status', 'due_on', 'owning_organisation', 'opcc_only'],
        unique=False,
    )
    op.drop_index('ix_actions_status_due_on', table_name='actions')
    op.drop_index('ix_actions_owner_id_status', table_name='actions')


def downgrade():
    op.create_index('ix_actions_owner_id_status', 'actions', ['owner_id', 'status'], unique=False)
    op.create_index('ix_actions_status_due_on', 'actions', ['status', 'due_on'], unique=False)
    op.drop_index('ix_actions_owner_overdue', table_name='actions')
    op.drop_index('ix_actions_dashboard', table_name='actions')
    op.drop_index('ix_actions_overdue', table_name='actions')
