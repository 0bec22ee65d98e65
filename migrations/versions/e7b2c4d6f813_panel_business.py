"""The Panel's business: Panel meetings, items filed under them with minute numbers,
reports requested for a later meeting, the PCC's response outcome, the clerk's
conclusion, and the Panel's work programme

Revision ID: e7b2c4d6f813
Revises: e3b7c1d9a402
Create Date: 2026-11-30 15:50:00.000000

Existing Panel items are filed under a Panel meeting of their date (one is created for
each date, titled "Police and Crime Panel" and published).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7b2c4d6f813"
down_revision = "e3b7c1d9a402"
branch_labels = None
depends_on = None

OLD_KINDS = "'recommendation', 'request_for_information', 'annual_report_recommendation', 'precept'"
NEW_KINDS = (
    "'recommendation', 'request_for_information', 'report_requested', "
    "'annual_report_recommendation', 'precept'"
)


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    meetings = op.create_table(
        "panel_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meetings")),
        sa.UniqueConstraint("held_on", name=op.f("uq_panel_meetings_held_on")),
    )
    op.create_table(
        "work_programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("panel_meeting_id", sa.Integer(), nullable=True),
        sa.Column("last_reported_on", sa.Date(), nullable=True),
        sa.Column("report_requested", sa.Boolean(), nullable=False),
        sa.Column("report_due_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "report_due_on IS NULL OR report_requested",
            name=op.f("ck_work_programme_items_report_due_needs_request"),
        ),
        sa.ForeignKeyConstraint(
            ["panel_meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_work_programme_items_panel_meeting_id_panel_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_programme_items")),
    )
    with op.batch_alter_table("work_programme_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_programme_items_panel_meeting_id"), ["panel_meeting_id"]
        )

    with op.batch_alter_table("panel_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("panel_meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("minute_number", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("response_outcome", sa.String(length=15), nullable=True))
        batch_op.add_column(
            sa.Column("matter_state", sa.String(length=15), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("carried_forward_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("matter_note", sa.Text(), nullable=False, server_default="")
        )

    bind = op.get_bind()
    items = sa.table(
        "panel_items",
        sa.column("panel_meeting_on", sa.Date),
        sa.column("panel_meeting_id", sa.Integer),
    )
    now = sa.func.now()
    days = bind.scalars(sa.select(items.c.panel_meeting_on).distinct()).all()
    for day in days:
        bind.execute(
            meetings.insert().values(
                held_on=day,
                title="Police and Crime Panel",
                venue="",
                published=True,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        meeting_id = sa.select(meetings.c.id).where(meetings.c.held_on == day).scalar_subquery()
        bind.execute(
            items.update()
            .where(items.c.panel_meeting_on == day)
            .values(panel_meeting_id=meeting_id)
        )

    with op.batch_alter_table("panel_items", schema=None) as batch_op:
        batch_op.alter_column("minute_number", existing_type=sa.String(40), server_default=None)
        batch_op.alter_column("matter_state", existing_type=sa.String(15), server_default=None)
        batch_op.alter_column("matter_note", existing_type=sa.Text(), server_default=None)
        batch_op.drop_constraint(batch_op.f("ck_panel_items_panel_item_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_items_panel_item_kind"), f"kind IN ({NEW_KINDS})"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_items_pcc_response_outcome"),
            "response_outcome IN ('accepted', 'partly_accepted', 'not_accepted')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_items_panel_matter_state"),
            "matter_state IN ('open', 'concluded', 'carried_forward')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_items_carried_forward_needs_meeting"),
            "matter_state <> 'carried_forward' OR carried_forward_to_id IS NOT NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_panel_items_panel_meeting_id_panel_meetings"),
            "panel_meetings",
            ["panel_meeting_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_panel_items_carried_forward_to_id_panel_meetings"),
            "panel_meetings",
            ["carried_forward_to_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_panel_items_panel_meeting_id"), ["panel_meeting_id"])


def downgrade():
    items = sa.table("panel_items", sa.column("kind", sa.String))
    op.get_bind().execute(
        items.update().where(items.c.kind == "report_requested").values(kind="request_for_information")
    )
    with op.batch_alter_table("panel_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_items_panel_meeting_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_panel_items_carried_forward_to_id_panel_meetings"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_panel_items_panel_meeting_id_panel_meetings"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("ck_panel_items_carried_forward_needs_meeting"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_panel_items_panel_matter_state"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_panel_items_pcc_response_outcome"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_panel_items_panel_item_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_items_panel_item_kind"), f"kind IN ({OLD_KINDS})"
        )
        batch_op.drop_column("matter_note")
        batch_op.drop_column("carried_forward_to_id")
        batch_op.drop_column("matter_state")
        batch_op.drop_column("response_outcome")
        batch_op.drop_column("minute_number")
        batch_op.drop_column("panel_meeting_id")
    with op.batch_alter_table("work_programme_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_programme_items_panel_meeting_id"))
    op.drop_table("work_programme_items")
    op.drop_table("panel_meetings")
