"""The PCC's s.55 responses to HMICFRS reports, one row per version, and their entries

Revision ID: e7b3c9a1d455
Revises: d5a1c3e7b902
Create Date: 2026-11-30 15:50:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7b3c9a1d455"
down_revision = "d5a1c3e7b902"
branch_labels = None
depends_on = None

STATES = ("draft", "awaiting_approval", "approved", "published", "sent")


def upgrade():
    op.create_table(
        "s55_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="s55_state", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("cc_comments", sa.Text(), nullable=False),
        sa.Column("pcc_comments", sa.Text(), nullable=False),
        sa.Column("include_afis", sa.Boolean(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum(
                "official",
                "official_sensitive",
                name="s55_marking",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_url", sa.String(length=500), nullable=False),
        sa.Column("sent_to_hmicfrs_on", sa.Date(), nullable=True),
        sa.Column("sent_to_home_secretary_on", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'awaiting_approval') OR approved_on IS NOT NULL",
            name=op.f("ck_s55_responses_approved_when"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('published', 'sent') OR (published_on IS NOT NULL "
            "AND published_url <> '')",
            name=op.f("ck_s55_responses_published_when"),
        ),
        sa.CheckConstraint(
            "public = (state IN ('published', 'sent'))",
            name=op.f("ck_s55_responses_public_when_published"),
        ),
        sa.CheckConstraint(
            "published_on IS NULL OR approved_on IS NULL OR published_on >= approved_on",
            name=op.f("ck_s55_responses_published_after_approval"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_s55_responses_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_s55_responses_drafted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["hmicfrs_reports.id"],
            name=op.f("fk_s55_responses_report_id_hmicfrs_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_s55_responses")),
        sa.UniqueConstraint("report_id", "number", name="uq_s55_responses_report_number"),
    )
    op.create_index(
        op.f("ix_s55_responses_report_id"), "s55_responses", ["report_id"], unique=False
    )
    op.create_table(
        "s55_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action_text", sa.Text(), nullable=False),
        sa.Column("no_action_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_s55_entries_finding_id_findings")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["s55_responses.id"],
            name=op.f("fk_s55_entries_response_id_s55_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_s55_entries")),
        sa.UniqueConstraint("response_id", "finding_id", name="uq_s55_entries_response_finding"),
    )
    op.create_index(op.f("ix_s55_entries_finding_id"), "s55_entries", ["finding_id"], unique=False)
    op.create_index(
        op.f("ix_s55_entries_response_id"), "s55_entries", ["response_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_s55_entries_response_id"), table_name="s55_entries")
    op.drop_index(op.f("ix_s55_entries_finding_id"), table_name="s55_entries")
    op.drop_table("s55_entries")
    op.drop_index(op.f("ix_s55_responses_report_id"), table_name="s55_responses")
    op.drop_table("s55_responses")
