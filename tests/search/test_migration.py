"""The migration that adds the search index indexes the records already there."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, select, table

from tracker import create_app
from tracker.db import db
from tracker.search.models import SearchEntry
from tracker.search.queries import found_by
from tracker.sources.models import HmicfrsReport, Meeting

BEFORE_SEARCH = "c4e8a2d6f1b9"


def test_upgrade_indexes_existing_records(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    now = datetime.now(UTC)
    stamps = {"version": 1, "created_at": now, "updated_at": now}
    with app.app_context():
        upgrade(revision=BEFORE_SEARCH)
        with db.engine.begin() as connection:
            # The meeting table as it was then (later revisions add columns with defaults
            # and turn the kind into a reference to the kinds list).
            old_meetings = table(
                "meetings",
                *(
                    column(name)
                    for name in (
                        "id",
                        "kind",
                        "held_on",
                        "title",
                        "themes",
                        "chair",
                        "attendees",
                        "minutes_url",
                        "published",
                        *stamps,
                    )
                ),
            )
            connection.execute(
                old_meetings.insert(),
                {
                    "id": 7,
                    "kind": "thematic",
                    "held_on": date(2023, 3, 1),
                    "title": "Custody inspections",
                    "themes": "Detention",
                    "chair": "",
                    "attendees": "",
                    "minutes_url": "",
                    "published": True,
                    **stamps,
                },
            )
            # The report table as it was then (later revisions add columns with defaults).
            old_reports = table(
                "hmicfrs_reports",
                *(
                    column(name)
                    for name in (
                        "id",
                        "code",
                        "title",
                        "report_type",
                        "scope",
                        "published_on",
                        "pcc_comments_due_on",
                        "comments_url",
                        *stamps,
                    )
                ),
            )
            connection.execute(
                old_reports.insert(),
                {
                    "id": 3,
                    "code": "PEEL23",
                    "title": "PEEL 2023",
                    "report_type": "peel",
                    "scope": "force",
                    "published_on": date(2023, 4, 1),
                    "pcc_comments_due_on": date(2023, 5, 27),
                    "comments_url": "",
                    **stamps,
                },
            )
        upgrade()
        meetings = db.session.scalars(select(Meeting.id).where(found_by(Meeting, "inspected")))
        reports = db.session.scalars(
            select(HmicfrsReport.id).where(found_by(HmicfrsReport, "peel"))
        )
        assert (list(meetings), list(reports)) == ([7], [3])
        assert db.session.scalar(select(SearchEntry.words).where(SearchEntry.record_id == 7)) == (
            "custodi inspect detent"
        )
        db.session.remove()
        downgrade(revision=BEFORE_SEARCH)
        names = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert not {name for name in names if name.startswith("search")}
