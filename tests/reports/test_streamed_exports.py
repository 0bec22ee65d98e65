"""The action list CSV streams: read in batches, written piece by piece, in a fixed number
of statements, with exactly the columns, values and visibility of the in-memory export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import selectinload

from tests.actions.test_query_counts import add_actions, counting
from tests.factories import (
    london_today,
    make_action,
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker import exports
from tracker.actions.conclusions import assurance_lines
from tracker.actions.models import Action, ActionStatus, ActionUpdate, Marking
from tracker.actions.queries import WITH_SOURCES, ActionFilters, action_list
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.auth.models import User
from tracker.db import db
from tracker.exports import ACTION_COLUMNS, OPCC_ONLY_COLUMNS, action_records, safe_cell
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.models import Tag, TagList
from tracker.settings.services import setting

BATCH = 3
LONG_PANEL_TEXT = "How many of the new officers are front line? " * 5


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """A few rows per batch, so a dozen actions take several batches."""
    monkeypatch.setattr(exports, "STREAM_BATCH", BATCH)


def make_varied_actions(app, officer, liaison) -> list[str]:
    """Actions from every kind of source, with tags, updates, notes and awkward text;
    returns the references of those restricted to the OPCC."""
    today = london_today()
    with app.app_context():
        # Added out of name order, so the export has to sort them.
        tags = [Tag(tag_list=TagList.LOCAL_AREA, name=name) for name in ("Wyre", "Bromsgrove")]
        tags.append(Tag(tag_list=TagList.PLAN_OBJECTIVE, name="Anti-social behaviour"))
        db.session.add_all(tags)
        db.session.commit()
        tag_ids = [tag.id for tag in tags]
    report = make_report(app, code="PEEL22")
    sources = [
        make_meeting(app, title="=Performance meeting June"),
        make_adhoc_request(app, subject="Crime in Pershore"),
        make_panel_item(app, text=LONG_PANEL_TEXT),
        make_finding(app, report, reference="R1"),
        make_finding(app, report, reference="", text="+Call handling is slow"),
    ]
    statuses = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.CLOSED]
    actions = []
    for n in range(14):
        force = n % 3 != 0
        actions.append(
            make_action(
                app,
                sources[n % len(sources)],
                liaison if force else officer,
                title=f"-Action {n} «accents» and, commas",
                description='Line one\nLine "two"',
                lead_role="ACC Local Policing" if n % 2 else "",
                raised_on=today - timedelta(days=90),
                due_on=today + timedelta(days=(n % 7) * 9 - 30),
                original_due_on=today + timedelta(days=(n % 7) * 9 - 40),
                marking=Marking.OFFICIAL_SENSITIVE if n % 4 == 0 else Marking.OFFICIAL,
                status=statuses[n % 3],
                opcc_only=not force and n % 2 == 0,
                opcc_note=f"Internal note {n}" if n % 2 else "",
            )
        )
    with app.app_context():
        for n, action in enumerate(actions):
            stored = db.session.get(Action, action.id)
            stored.tags = [db.session.get(Tag, tag_ids[i]) for i in range(n % 4)]
            if n % 3 == 2 and n % 4 != 0:  # closed with a conclusion (others: none recorded)
                db.session.add(
                    ActionUpdate(
                        action_id=action.id,
                        author_id=officer.id,
                        text=f"Dip sample of {n} records" if n % 2 else "",
                        from_status=ActionStatus.IMPLEMENTED,
                        to_status=ActionStatus.CLOSED,
                        assurance_method=AssuranceMethod.DIP_SAMPLE,
                        assurance_verdict=AssuranceVerdict.PARTLY_ASSURED,
                    )
                )
            if n % 3 == 1:
                continue  # no updates at all
            db.session.add(ActionUpdate(action_id=action.id, author_id=officer.id, text="=Seen"))
            db.session.add(
                ActionUpdate(
                    action_id=action.id,
                    author_id=officer.id,
                    text=f"Internal comment {n}" if n % 2 == 0 else f"Progress {n}",
                    opcc_only=n % 2 == 0,
                )
            )
        db.session.commit()
    return [a.reference for a in actions if a.opcc_only]


def in_memory_csv(app, user_id: int, query_string: dict) -> bytes:
    """The export as it was built before streaming: every row as ORM objects, written
    whole with the csv module (byte-order mark, header, one line per record)."""
    from werkzeug.datastructures import MultiDict

    from tracker.clock import today

    with app.test_request_context():
        user = db.session.get(User, user_id)
        from tracker import policy

        with_notes = policy.can_see_opcc_notes(user)
        listing = action_list(
            user,
            ActionFilters.from_args(MultiDict(query_string)),
            today=today(),
            amber_days=setting(AMBER_DAYS),
            load=(*WITH_SOURCES, selectinload(Action.tags)),
        )
        columns = ACTION_COLUMNS + (OPCC_ONLY_COLUMNS if with_notes else [])
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        records = action_records(
            listing.rows,
            listing.latest,
            with_opcc_notes=with_notes,
            assurance=assurance_lines(row.Action for row in listing.rows),
        )
        for record in records:
            writer.writerow([safe_cell(record.get(column)) for column in columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("reader", ["officer", "liaison"])
@pytest.mark.parametrize(
    "query_string",
    [{}, {"sort": "overdue"}, {"sort": "reference", "status": "open"}, {"q": "action 1"}],
)
def test_streamed_csv_equals_the_in_memory_export(
    app, client, login_as, officer, liaison, reader, query_string
):
    make_varied_actions(app, officer, liaison)
    user = {"officer": officer, "liaison": liaison}[reader]
    login_as(user)
    response = client.get("/actions/export.csv", query_string=query_string)
    assert response.status_code == 200
    expected = in_memory_csv(app, user.id, query_string)
    assert len(read_csv(expected)) > BATCH or query_string
    assert response.data == expected


def test_streamed_csv_values(app, client, login_as, officer, liaison):
    make_varied_actions(app, officer, liaison)
    login_as(officer)
    rows = read_csv(client.get("/actions/export.csv?sort=reference").data)
    assert len(rows) == 14
    assert list(rows[0]) == ACTION_COLUMNS + OPCC_ONLY_COLUMNS
    by_title = {row["title"]: row for row in rows}
    first = by_title["'-Action 0 «accents» and, commas"]
    assert first["source"] == "'=Performance meeting June"
    assert first["tags"] == ""
    assert first["latest_update"] == "Internal comment 0"
    assert first["opcc_only"] == "yes"
    assert first["marking"] == "OFFICIAL-SENSITIVE"
    assert first["description"] == 'Line one\nLine "two"'
    third = by_title["'-Action 2 «accents» and, commas"]
    assert third["source"] == LONG_PANEL_TEXT[:100]
    assert third["tags"] == "Bromsgrove; Wyre"
    assert third["status"] == "closed"
    assert third["rag"] == "complete"
    assert third["closed_on"] == london_today().isoformat()
    fourth = by_title["'-Action 3 «accents» and, commas"]
    assert fourth["tags"] == "Anti-social behaviour; Bromsgrove; Wyre"
    assert fourth["source"] == "R1"
    assert fourth["opcc_note"] == "Internal note 3"
    assert fourth["latest_update"] == "Progress 3"
    assert by_title["'-Action 4 «accents» and, commas"]["source"] == "'+Call handling is slow"
    assert by_title["'-Action 1 «accents» and, commas"]["latest_update"] == ""
    overdue = by_title["'-Action 0 «accents» and, commas"]
    assert overdue["rag"] == "red"
    assert overdue["days_overdue"] == "30"


def test_force_user_never_gets_opcc_only_actions_notes_or_comments(
    app, client, login_as, officer, liaison
):
    restricted = make_varied_actions(app, officer, liaison)
    login_as(liaison)
    body = client.get("/actions/export.csv").data
    rows = read_csv(body)
    assert len(rows) > BATCH
    assert list(rows[0]) == ACTION_COLUMNS
    assert {row["opcc_only"] for row in rows} == {"no"}
    assert {row["owning_organisation"] for row in rows} == {"force"}
    assert restricted
    assert not set(restricted) & {row["reference"] for row in rows}
    assert b"Internal note" not in body
    assert b"Internal comment" not in body
    # An OPCC-only comment is skipped: the newest update the force may see is shown.
    assert {row["latest_update"] for row in rows} >= {"'=Seen", "Progress 5"}


def test_csv_is_streamed_in_pieces(app, client, login_as, officer, liaison):
    make_varied_actions(app, officer, liaison)
    login_as(officer)
    response = client.get("/actions/export.csv", buffered=False)
    assert response.is_streamed
    pieces = list(response.response)
    response.close()
    # The header, then one piece per batch of rows.
    assert len(pieces) == 1 + -(-14 // BATCH)
    assert pieces[0].decode("utf-8-sig").startswith("reference,title,")
    assert len(read_csv(b"".join(pieces))) == 14


def test_statement_count_does_not_grow_with_rows(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    login_as(officer)
    add_actions(app, meeting, [officer, liaison], 2)
    client.get("/actions/export.csv")  # warm caches (settings)
    with counting(app) as few:
        body = client.get("/actions/export.csv").data
    assert len(read_csv(body)) == 2
    add_actions(app, meeting, [officer, liaison], 5 * BATCH)
    with counting(app) as many:
        body = client.get("/actions/export.csv").data
    assert len(read_csv(body)) == 2 + 5 * BATCH
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 8


def test_empty_export_is_the_header_alone(client, login_as, officer):
    login_as(officer)
    body = client.get("/actions/export.csv").data
    assert body == ("\ufeff" + ",".join(ACTION_COLUMNS + OPCC_ONLY_COLUMNS) + "\r\n").encode()


def test_closed_on_date_is_iso(app, client, login_as, officer):
    make_action(
        app,
        make_meeting(app),
        officer,
        status=ActionStatus.CLOSED,
        raised_on=date(2023, 6, 5),
        due_on=date(2023, 9, 30),
        closed_on=date(2023, 9, 1),
    )
    login_as(officer)
    [row] = read_csv(client.get("/actions/export.csv").data)
    assert row["closed_on"] == "2023-09-01"
    assert row["rag"] == "complete"
