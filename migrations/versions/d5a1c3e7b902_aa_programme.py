"""The A&A programme: meeting kinds as a list, series, state, papers received, lines of
enquiry, public questions and actions brought to a meeting

Revision ID: d5a1c3e7b902
Revises: d5f1a7c3e2b8
Create Date: 2026-11-30 12:40:00.000000

Existing meetings keep their kind (the old values become rows of meeting_kinds, plus
"Monthly assurance"); meetings dated before today are recorded as held, the rest planned.
"""

from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d5a1c3e7b902"
down_revision = "d5f1a7c3e2b8"
branch_labels = None
depends_on = None

OLD_KINDS = {
    "performance": "Quarterly performance",
    "thematic": "Thematic",
    "public": "Public",
    "other": "Other governance",
}
NEW_KINDS = ("Monthly assurance",)


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    kinds = op.create_table(
        "meeting_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_kinds")),
        sa.UniqueConstraint("name", name=op.f("uq_meeting_kinds_name")),
    )
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
        sa.UniqueConstraint("name", name=op.f("uq_meeting_series_name")),
    )
    now = sa.func.now()
    bind = op.get_bind()
    for name in (*OLD_KINDS.values(), *NEW_KINDS):
        bind.execute(kinds.insert().values(name=name, active=True, created_at=now, updated_at=now))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=9), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("papers_received_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("opcc_lead_id", sa.Integer(), nullable=True))

    meetings = sa.table(
        "meetings",
        sa.column("kind", sa.String),
        sa.column("kind_id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("held_on", sa.Date),
    )
    for value, name in OLD_KINDS.items():
        kind_id = sa.select(kinds.c.id).where(kinds.c.name == name).scalar_subquery()
        bind.execute(meetings.update().where(meetings.c.kind == value).values(kind_id=kind_id))
    today = date.today()  # noqa: DTZ011 - the server's date is close enough for a one-off split
    bind.execute(meetings.update().where(meetings.c.held_on < today).values(state="held"))
    bind.execute(meetings.update().where(meetings.c.held_on >= today).values(state="planned"))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_meetings_meeting_kind"), type_="check")
        batch_op.drop_column("kind")
        batch_op.alter_column("kind_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("state", existing_type=sa.String(length=9), nullable=False)
        batch_op.alter_column(
            "cancel_reason", existing_type=sa.String(length=500), server_default=None
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_meetings_meeting_state"), "state IN ('planned', 'held', 'cancelled')"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_meetings_cancel_needs_reason"),
            "state <> 'cancelled' OR cancel_reason <> ''",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_kind_id_meeting_kinds"), "meeting_kinds", ["kind_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_series_id_meeting_series"),
            "meeting_series",
            ["series_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_opcc_lead_id_users"), "users", ["opcc_lead_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_meetings_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_series_id"), ["series_id"], unique=False)

    op.create_table(
        "lines_of_enquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("concluded_by_id", sa.Integer(), nullable=True),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opcc_only", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_lines_of_enquiry_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["concluded_by_id"],
            ["users.id"],
            name=op.f("fk_lines_of_enquiry_concluded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_lines_of_enquiry_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lines_of_enquiry")),
    )
    op.create_index(
        op.f("ix_lines_of_enquiry_meeting_id"), "lines_of_enquiry", ["meeting_id"], unique=False
    )
    op.create_table(
        "public_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_public_questions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_questions")),
    )
    op.create_index(
        op.f("ix_public_questions_meeting_id"), "public_questions", ["meeting_id"], unique=False
    )
    op.create_table(
        "brought_actions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("brought_by_id", sa.Integer(), nullable=True),
        sa.Column("brought_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_brought_actions_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["brought_by_id"], ["users.id"], name=op.f("fk_brought_actions_brought_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_brought_actions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "action_id", name=op.f("pk_brought_actions")),
    )


def downgrade():
    op.drop_table("brought_actions")
    op.drop_index(op.f("ix_public_questions_meeting_id"), table_name="public_questions")
    op.drop_table("public_questions")
    op.drop_index(op.f("ix_lines_of_enquiry_meeting_id"), table_name="lines_of_enquiry")
    op.drop_table("lines_of_enquiry")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=11), nullable=True))
    bind = op.get_bind()
    kinds = sa.table("meeting_kinds", sa.column("id", sa.Integer), sa.column("name", sa.String))
    meetings = sa.table("meetings", sa.column("kind", sa.String), sa.column("kind_id", sa.Integer))
    for value, name in OLD_KINDS.items():
        ids = sa.select(kinds.c.id).where(kinds.c.name == name)
        bind.execute(meetings.update().where(meetings.c.kind_id.in_(ids)).values(kind=value))
    bind.execute(meetings.update().where(meetings.c.kind.is_(None)).values(kind="other"))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_series_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_kind_id"))
        batch_op.drop_constraint(batch_op.f("fk_meetings_opcc_lead_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_meetings_series_id_meeting_series"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_meetings_kind_id_meeting_kinds"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_meetings_cancel_needs_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_meetings_meeting_state"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(length=11), nullable=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_meetings_meeting_kind"),
            "kind IN ('performance', 'thematic', 'public', 'other')",
        )
        batch_op.drop_column("opcc_lead_id")
        batch_op.drop_column("papers_received_on")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("state")
        batch_op.drop_column("series_id")
        batch_op.drop_column("kind_id")
    op.drop_table("meeting_series")
    op.drop_table("meeting_kinds")
