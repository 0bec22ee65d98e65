"""Audit key id per event; login attempts say what they count against

Revision ID: a3d9e1c47b20
Revises: 1c4f0872d277
Create Date: 2026-11-30 06:30:00.000000

Events already in the chain keep their plain SHA-256 hashes and get no key id; the
first event written with an audit key links to the last of them and so anchors them.
Existing login attempts were all sign-in attempts.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3d9e1c47b20"
down_revision = "1c4f0872d277"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="sign_in", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("key_id")
