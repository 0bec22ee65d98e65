"""The publication register: meeting outcome summaries and publication records

Revision ID: e3b7c1d9a402
Revises: e7b3c9a1d455
Create Date: 2026-11-30 15:50:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e3b7c1d9a402"
down_revision = "e7b3c9a1d455"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome_summary", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("outcome_published_on", sa.Date(), nullable=True))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("outcome_summary", existing_type=sa.Text(), server_default=None)

    op.create_table(
        "publication_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "annual_statement",
                "decision",
                "other",
                name="publication_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("title <> ''", name=op.f("ck_publication_records_title_not_empty")),
        sa.CheckConstraint(
            "published_on IS NULL OR url <> ''",
            name=op.f("ck_publication_records_published_has_link"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_records")),
    )
    with op.batch_alter_table("publication_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_records_due_on"), ["due_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("publication_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_records_due_on"))
    op.drop_table("publication_records")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("outcome_published_on")
        batch_op.drop_column("outcome_summary")
