"""Assurance conclusions in the reports (PDF and preview), the as-at rebuild and exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.factories import (
    london_today,
    make_action,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tests.reports.helpers import install_clock, pdf_text, visible_text
from tracker.actions import services
from tracker.actions.models import NO_CONCLUSION, Action, ActionStatus
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.auth.models import User
from tracker.db import db
from tracker.reports import as_at

PARTLY = "Partly assured (dip sample): Two custody suites still to sample"


def _assure(app, action_id: int, officer_id: int, method, verdict, note: str, today: date):
    with app.app_context():
        services.assure(
            db.session.get(Action, action_id),
            by=db.session.get(User, officer_id),
            method=method,
            verdict=verdict,
            note=note,
            today=today,
        )
        db.session.commit()


@pytest.fixture
def closed_everywhere(app, officer, liaison):
    """One action from each kind of source, implemented and then closed partly assured,
    and an older closed action with no conclusion; returns the later meeting's id."""
    today = london_today()
    earlier = make_meeting(app, kind="performance", held_on=today - timedelta(days=60))
    later = make_meeting(app, kind="performance", held_on=today + timedelta(days=10))
    item = make_panel_item(app, panel_meeting_on=today - timedelta(days=60))
    finding = make_finding(app, make_report(app, code="PEEL25"), reference="R1")
    for source in (earlier, item, finding):
        action = make_action(app, source, liaison, status=ActionStatus.IMPLEMENTED)
        _assure(
            app,
            action.id,
            officer.id,
            AssuranceMethod.DIP_SAMPLE,
            AssuranceVerdict.PARTLY_ASSURED,
            "Two custody suites still to sample",
            today,
        )
    make_action(app, earlier, liaison, title="Imported closure", status=ActionStatus.CLOSED)
    return later.id


@pytest.mark.parametrize("kind", ["actions", "matters", "panel", "hmicfrs"])
def test_report_pdf_and_preview_show_the_conclusion(
    client, login_as, officer, closed_everywhere, kind
):
    url = {
        "actions": "/reports/actions",
        "matters": f"/reports/meetings/{closed_everywhere}",
        "panel": "/reports/panel",
        "hmicfrs": "/reports/hmicfrs",
    }[kind]
    login_as(officer)
    preview = visible_text(client.get(url).text)
    assert f"Assurance: {PARTLY}" in preview
    response = client.get(f"{url}.pdf")
    assert response.status_code == 200
    _, text = pdf_text(response.data)
    assert "Assurance: Partly assured (dip sample)" in text
    if kind in ("actions", "matters"):
        assert f"Assurance: {NO_CONCLUSION}" in text


def test_panel_clerk_sees_the_conclusion_in_the_panel_report(
    client, login_as, clerk, closed_everywhere
):
    login_as(clerk)
    assert f"Assurance: {PARTLY}" in visible_text(client.get("/reports/panel").text)


def test_as_at_shows_the_conclusion_that_held_then(app, monkeypatch, client, login_as, officer):
    """Closed assured on 6 March, reopened on 8 March, closed partly assured on 11 March."""
    clock = install_clock(monkeypatch)
    clock.set(2024, 3, 1)
    meeting = make_meeting(app, kind="performance", held_on=date(2024, 3, 1))
    clock.set(2024, 3, 4)
    action = make_action(
        app,
        meeting,
        officer,
        raised_on=date(2024, 3, 4),
        due_on=date(2024, 6, 30),
        status=ActionStatus.IMPLEMENTED,
    )
    clock.set(2024, 3, 6)
    _assure(
        app,
        action.id,
        officer.id,
        AssuranceMethod.PRESENTATION,
        AssuranceVerdict.ASSURED,
        "",
        date(2024, 3, 6),
    )
    with app.app_context():
        stored = db.session.get(Action, action.id)
        o = db.session.get(User, officer.id)
        for day, target in ((8, ActionStatus.REOPENED), (9, ActionStatus.IMPLEMENTED)):
            clock.set(2024, 3, day)
            services.transition(stored, target, by=o, note="Again", today=date(2024, 3, day))
            db.session.commit()
    clock.set(2024, 3, 11)
    _assure(
        app,
        action.id,
        officer.id,
        AssuranceMethod.DIP_SAMPLE,
        AssuranceVerdict.PARTLY_ASSURED,
        "One site left",
        date(2024, 3, 11),
    )
    with app.app_context():
        stored = db.session.get(Action, action.id)

        def line_on(day: date) -> str | None:
            moment = as_at.moment_for(day)
            return as_at.assurance_as_at(as_at.actions_as_at([stored], moment), moment).get(
                stored.id
            )

        assert line_on(date(2024, 3, 5)) is None
        assert line_on(date(2024, 3, 7)) == "Assured (presentation at a meeting)"
        assert line_on(date(2024, 3, 8)) is None  # reopened: no conclusion holds
        assert line_on(date(2024, 3, 12)) == "Partly assured (dip sample): One site left"
    clock.set(2024, 3, 13)
    login_as(officer)
    text = visible_text(client.get("/reports/actions?as_at=2024-03-07").text)
    assert "Assurance: Assured (presentation at a meeting)" in text
    assert "Partly assured" not in text
    _, pdf = pdf_text(client.get("/reports/actions.pdf?as_at=2024-03-12").data)
    assert "Assurance: Partly assured (dip sample): One site left" in pdf
    clock.release()


def test_csv_export_has_a_readable_assurance_column(client, login_as, officer, closed_everywhere):
    login_as(officer)
    body = client.get("/actions/export.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    by_status = {(row["status"], row["assurance"]) for row in rows}
    assert ("closed", PARTLY) in by_status
    assert ("closed", NO_CONCLUSION) in by_status
    assert all(row["assurance"] == "" for row in rows if row["status"] != "closed")


def test_readable_xlsx_has_an_assurance_conclusion_column(
    client, login_as, officer, closed_everywhere
):
    login_as(officer)
    sheet = load_workbook(io.BytesIO(client.get("/actions/export.xlsx").data)).active
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("Assurance conclusion")
    assert PARTLY in {row[column] for row in values[1:]}
