"""Evidence attachments: file metadata, and the bytes in a table of their own

Revision ID: d5f1a7c3e2b8
Revises: d1a7c3e5b2f4
Create Date: 2026-11-30 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f1a7c3e2b8'
down_revision = 'd1a7c3e5b2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_kind', sa.String(length=40), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('superseded_by_id', sa.Integer(), nullable=True),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['superseded_by_id'],
            ['attachments.id'],
            name=op.f('fk_attachments_superseded_by_id_attachments'),
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_owner', ['owner_kind', 'owner_id'], unique=False)

    op.create_table(
        'attachment_contents',
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['attachment_id'],
            ['attachments.id'],
            name=op.f('fk_attachment_contents_attachment_id_attachments'),
        ),
        sa.PrimaryKeyConstraint('attachment_id', name=op.f('pk_attachment_contents')),
    )


def downgrade():
    op.drop_table('attachment_contents')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_owner')
    op.drop_table('attachments')
