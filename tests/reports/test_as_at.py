"""Reports "as at" a past day, rebuilt from updates and the audit trail.

The history is made through the real services with the app's clock moved from day to
day, then every report is asked for as at each day and must show what was true then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import make_finding, make_meeting, make_panel_item, make_report
from tests.reports.helpers import install_clock, pdf_text, visible_text
from tracker.actions import services
from tracker.actions.models import Action, ActionStatus, ActionUpdate, Marking
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.reports import as_at
from tracker.sources.models import Finding, Meeting, PanelItem

EVIDENCE, ASSURED = AssuranceMethod.EVIDENCE_REVIEWED, AssuranceVerdict.ASSURED


@dataclass
class History:
    refs: dict[str, str]  # source kind -> reference of the action that lived through it
    restricted_later: dict[str, str]  # source kind -> an action restricted to the OPCC later
    late: dict[str, str]  # source kind -> an action raised on 20 March
    meeting_id: int
    later_meeting_id: int


def _details(owner, *, title, due, raised=date(2024, 3, 4), opcc_only=False):
    return services.ActionDetails(
        title=title,
        description="",
        owner=owner,
        owning_organisation=owner.organisation,
        lead_role="",
        raised_on=raised,
        due_on=due,
        marking=Marking.OFFICIAL,
        opcc_only=opcc_only,
        opcc_note="",
        tags=[],
    )


def _edit(action, by, **changes):
    current = {
        "title": action.title,
        "owner": action.owner,
        "due": action.due_on,
        "raised": action.raised_on,
        "opcc_only": action.opcc_only,
    }
    current.update(changes)
    details = _details(
        current["owner"],
        title=current["title"],
        due=current["due"],
        raised=current["raised"],
        opcc_only=current["opcc_only"],
    )
    services.edit_action(action, details, by=by, expected_version=action.version)


@pytest.fixture
def history(app, monkeypatch, officer, liaison) -> History:
    """Three actions (from a meeting, a Panel item and an HMICFRS finding) that each:

    4 March 2024   raised, due 22 March: open, green
    11 March       marked in progress by the force (amber: due in 11 days);
                   at 23:50 an update "Draft plan shared" is posted ...
    12 March 00:05 ... and corrected to "Final plan shared"
    25 March       (nothing: red, 3 days overdue)
    26 March       due date moved to 31 May by the OPCC: green
    2 April        submitted as implemented, then assured and closed
    """
    clock = install_clock(monkeypatch)
    clock.set(2024, 3, 1)
    meeting = make_meeting(app, kind="performance", held_on=date(2024, 3, 4), title="March A&A")
    later = make_meeting(app, kind="performance", held_on=date(2024, 6, 3), title="June A&A")
    item = make_panel_item(app, panel_meeting_on=date(2024, 3, 1), text="Response times")
    report = make_report(app, code="PEEL24", published_on=date(2024, 2, 1))
    finding = make_finding(app, report, reference="R1", text="Improve call handling")
    refs: dict[str, str] = {}
    restricted: dict[str, str] = {}
    late: dict[str, str] = {}
    with app.app_context():
        o = db.session.get(User, officer.id)
        f = db.session.get(User, liaison.id)
        sources = {
            "meeting": db.session.get(Meeting, meeting.id),
            "panel": db.session.get(PanelItem, item.id),
            "hmicfrs": db.session.get(Finding, finding.id),
        }

        def step(year, month, day, hour=10, minute=0):
            db.session.commit()
            clock.set(year, month, day, hour, minute)

        step(2024, 3, 4)
        actions = {}
        hidden = {}
        for kind, source in sources.items():
            actions[kind] = services.create_action(
                source, _details(f, title=f"Lived {kind}", due=date(2024, 3, 22)), by=o
            )
            hidden[kind] = services.create_action(
                source, _details(f, title=f"Later restricted {kind}", due=date(2024, 5, 1)), by=o
            )
        step(2024, 3, 11)
        for action in actions.values():
            services.transition(
                action, ActionStatus.IN_PROGRESS, by=f, note="Work started", today=date(2024, 3, 11)
            )
        step(2024, 3, 11, 23, 50)
        posted = {
            kind: services.add_update(action, by=f, text="Draft plan shared")
            for kind, action in actions.items()
        }
        step(2024, 3, 12, 0, 5)
        for update in posted.values():
            services.edit_update(update, by=f, text="Final plan shared")
        step(2024, 3, 20)
        for kind, source in sources.items():
            late[kind] = services.create_action(
                source, _details(f, title=f"Raised late {kind}", due=date(2024, 9, 30)), by=o
            ).reference
            _edit(hidden[kind], o, owner=o, opcc_only=True)
        step(2024, 3, 26)
        for action in actions.values():
            _edit(action, o, due=date(2024, 5, 31))
        step(2024, 4, 2)
        for action in actions.values():
            services.transition(
                action,
                ActionStatus.IMPLEMENTED,
                by=f,
                note="Evidence attached",
                today=date(2024, 4, 2),
            )
            services.assure(
                action, by=o, method=EVIDENCE, verdict=ASSURED, note="", today=date(2024, 4, 2)
            )
        db.session.commit()
        refs = {kind: action.reference for kind, action in actions.items()}
        restricted = {kind: action.reference for kind, action in hidden.items()}
        # The restriction really is stored, with the owning organisation moved to the OPCC.
        for reference in restricted.values():
            stored = db.session.scalar(db.select(Action).where(Action.reference == reference))
            assert stored.opcc_only
            assert stored.owning_organisation == Organisation.OPCC
    clock.release()
    return History(refs, restricted, late, meeting.id, later.id)


URLS = {
    "panel": "/reports/panel",
    "matters": "/reports/meetings/{later}",
    "hmicfrs": "/reports/hmicfrs",
    "actions": "/reports/actions",
}
SOURCE_OF = {"panel": "panel", "matters": "meeting", "hmicfrs": "hmicfrs", "actions": "meeting"}

# day -> (status text, due text, RAG, update text or None, shown)
EXPECTED = {
    "2024-03-04": ("Open", "22 March 2024", "Green", None),
    "2024-03-11": ("In progress", "22 March 2024", "Amber", "Draft plan shared"),
    "2024-03-12": ("In progress", "22 March 2024", "Amber", "Final plan shared"),
    "2024-03-25": ("In progress", "22 March 2024", "Red", "Final plan shared"),
    "2024-03-26": ("In progress", "31 May 2024", "Green", "Final plan shared"),
    "2024-04-02": ("Closed, closed 2 April 2024", "31 May 2024", "Complete", None),
}


def _url(kind: str, history: History, day: str, pdf: bool = False) -> str:
    base = URLS[kind].format(later=history.later_meeting_id)
    return f"{base}{'.pdf' if pdf else ''}?as_at={day}"


def _row(text: str, reference: str, kind: str) -> str:
    """The text of the report row that starts with the action's reference."""
    marker = text.index(reference)
    rest = text[marker:]
    following = re.search(r" (T-\d+|AA-|PCP-|HM-)", rest[len(reference) :])
    return rest[: len(reference) + following.start()] if following else rest[:600]


@pytest.mark.parametrize("kind", list(URLS))
@pytest.mark.parametrize("day", list(EXPECTED))
def test_each_report_shows_what_was_true_at_the_end_of_each_day(
    app, client, login_as, officer, history, kind, day
):
    login_as(officer)
    response = client.get(_url(kind, history, day))
    assert response.status_code == 200
    text = visible_text(response.text)
    reference = history.refs[SOURCE_OF[kind]]
    row = _row(text, reference, kind)
    status, due, rag, update = EXPECTED[day]
    assert status in row
    if status == "In progress":
        assert "Closed" not in row
    assert due in row
    assert rag in row
    if kind == "hmicfrs":
        pass  # the HMICFRS report shows no updates
    elif kind == "matters" and update:
        assert update in row
        other = "Draft plan shared" if update == "Final plan shared" else "Final plan shared"
        assert other not in row
    elif kind in ("panel", "actions") and update:
        assert update in row
    # Raised on 20 March: absent before, present after.
    late = history.late[SOURCE_OF[kind]]
    assert (late in text) == (day >= "2024-03-20")


@pytest.mark.parametrize("kind", list(URLS))
def test_as_at_pdf_cover_shows_the_date_and_the_past_state(
    app, client, login_as, officer, history, kind
):
    login_as(officer)
    response = client.get(_url(kind, history, "2024-03-25", pdf=True))
    assert response.status_code == 200
    assert "as-at-2024-03-25" in response.headers["Content-Disposition"]
    reader, text = pdf_text(response.data)
    assert "As at 25 March 2024" in text
    assert "OFFICIAL" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    row = _row(text, history.refs[SOURCE_OF[kind]], kind)
    assert "In progress" in row
    assert "Red" in row


def test_cover_shows_today_when_no_date_is_given(app, client, login_as, officer, history):
    from tests.factories import london_today

    login_as(officer)
    _, text = pdf_text(client.get("/reports/actions.pdf").data)
    day = london_today()
    assert f"As at {day.day} {day:%B %Y}" in text
    assert "Closed, closed 2 April 2024" in text


def test_matters_arising_as_at_lists_only_updates_posted_by_then(
    app, client, login_as, officer, history
):
    login_as(officer)
    text = visible_text(client.get(_url("matters", history, "2024-03-04")).text)
    row = _row(text, history.refs["meeting"], "matters")
    assert "None" in row  # no updates yet
    text = visible_text(client.get(_url("matters", history, "2024-03-11")).text)
    row = _row(text, history.refs["meeting"], "matters")
    assert "Open → In progress. Work started" in row


def test_nothing_is_changed_by_an_as_at_report(app, client, login_as, officer, history):
    login_as(officer)
    client.get(_url("actions", history, "2024-03-11"))
    client.get(_url("actions", history, "2024-03-11", pdf=True))
    with app.app_context():
        action = db.session.scalar(
            db.select(Action).where(Action.reference == history.refs["meeting"])
        )
        assert action.status == ActionStatus.CLOSED
        assert action.due_on == date(2024, 5, 31)
        texts = db.session.scalars(
            db.select(ActionUpdate.text).where(ActionUpdate.action_id == action.id)
        ).all()
        assert "Final plan shared" in texts
        assert "Draft plan shared" not in texts


@pytest.mark.parametrize("kind", list(URLS))
def test_force_liaison_never_sees_actions_restricted_now(
    app, client, login_as, liaison, history, kind
):
    if kind == "matters":  # the force sees a meeting once it has an action of theirs on it
        from tests.factories import make_action

        with app.app_context():
            later = db.session.get(Meeting, history.later_meeting_id)
            db.session.expunge(later)
        make_action(app, later, liaison, title="Raised in June")
    login_as(liaison)
    for day in ("2024-03-11", "2024-03-25"):
        text = visible_text(client.get(_url(kind, history, day)).text)
        assert history.refs[SOURCE_OF[kind]] in text
        assert history.restricted_later[SOURCE_OF[kind]] not in text
        assert "Later restricted" not in text
        _, pdf = pdf_text(client.get(_url(kind, history, day, pdf=True)).data)
        assert "Later restricted" not in pdf


def test_officer_sees_the_later_restricted_action_as_it_was(
    app, client, login_as, officer, history
):
    login_as(officer)
    text = visible_text(client.get(_url("actions", history, "2024-03-11")).text)
    row = _row(text, history.restricted_later["meeting"], "actions")
    assert "(OPCC only)" not in row
    assert "Lee Liaison" in row  # the owner it had then
    text = visible_text(client.get(_url("actions", history, "2024-03-25")).text)
    row = _row(text, history.restricted_later["meeting"], "actions")
    assert "(OPCC only)" in row
    assert "Olu Officer" in row


def test_panel_clerk_sees_only_published_items_as_at(app, client, login_as, clerk, history):
    unpublished = make_panel_item(
        app, panel_meeting_on=date(2024, 3, 1), text="Draft item never published", published=False
    )
    assert unpublished.id
    login_as(clerk)
    text = visible_text(client.get(_url("panel", history, "2024-03-25")).text)
    assert "Response times" in text
    assert "Draft item never published" not in text
    text = visible_text(client.get(_url("actions", history, "2024-03-25")).text)
    assert history.refs["panel"] in text
    assert "Later restricted" not in text


@pytest.mark.parametrize("kind", list(URLS))
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2999-01-01", "must be today or in the past"),
        ("2020-01-01", "must be on or after 4 March 2024"),
        ("2024-02-30", "as a real date"),
        ("yesterday", "as a real date"),
    ],
)
def test_bad_as_at_dates_are_refused_with_a_message(
    app, client, login_as, officer, history, kind, value, message
):
    login_as(officer)
    for pdf in (False, True):
        response = client.get(_url(kind, history, value, pdf=pdf))
        assert response.status_code == 400
        assert message in response.text
        assert "There is a problem" in response.text


def test_as_at_with_no_data_at_all_is_refused(client, login_as, officer):
    login_as(officer)
    response = client.get("/reports/panel?as_at=2024-01-01")
    assert response.status_code == 400
    assert "on or after today" in response.text


def test_as_at_filters_apply_to_the_past_state(app, client, login_as, officer, history):
    login_as(officer)
    reference = history.refs["meeting"]
    text = visible_text(client.get("/reports/actions?as_at=2024-03-25&rag=red").text)
    assert reference in text
    assert history.late["meeting"] not in text  # green then
    text = visible_text(client.get("/reports/actions?as_at=2024-03-25&status=closed").text)
    assert reference not in text
    text = visible_text(client.get("/reports/actions?as_at=2024-03-25&overdue=1").text)
    assert reference in text
    text = visible_text(client.get("/reports/actions?status=closed").text)
    assert reference in text


def test_extension_requests_do_not_move_the_due_date_but_approvals_do(
    app, client, login_as, officer, liaison, monkeypatch
):
    clock = install_clock(monkeypatch)
    clock.set(2024, 5, 1)
    meeting = make_meeting(app, held_on=date(2024, 5, 1))
    with app.app_context():
        o = db.session.get(User, officer.id)
        f = db.session.get(User, liaison.id)
        source = db.session.get(Meeting, meeting.id)
        details = _details(f, title="Extended", due=date(2024, 6, 1), raised=date(2024, 5, 1))
        action = services.create_action(source, details, by=o)
        reference = action.reference
        db.session.commit()
        clock.set(2024, 5, 10)
        first = services.request_extension(
            action, by=f, proposed_due_on=date(2024, 7, 1), reason="Staffing"
        )
        db.session.commit()
        clock.set(2024, 5, 15)
        services.decide_extension(first, by=o, approve=False, note="Not yet")
        db.session.commit()
        clock.set(2024, 5, 20)
        second = services.request_extension(
            action, by=f, proposed_due_on=date(2024, 8, 1), reason="Still short of staff"
        )
        db.session.commit()
        clock.set(2024, 5, 25)
        services.decide_extension(second, by=o, approve=True, note="")
        db.session.commit()
    clock.release()
    login_as(officer)
    for day in ("2024-05-10", "2024-05-15", "2024-05-24"):
        row = _row(visible_text(client.get(f"/reports/actions?as_at={day}").text), reference, "")
        assert "1 June 2024" in row
        assert "2024 (" not in row  # no revised due date yet
    row = _row(visible_text(client.get("/reports/actions?as_at=2024-05-25").text), reference, "")
    assert "1 June 2024 (1 August 2024)" in row


@pytest.mark.parametrize("reopened_later", [False, True])
def test_as_at_shows_the_audited_closed_date(app, monkeypatch, officer, liaison, reopened_later):
    """A closure recorded the morning after (closed date 1 April, made on 2 April) shows
    the closed date it set, not the day the change was made."""
    clock = install_clock(monkeypatch)
    clock.set(2024, 3, 1)
    meeting = make_meeting(app, kind="performance", held_on=date(2024, 3, 4))
    with app.app_context():
        o = db.session.get(User, officer.id)
        f = db.session.get(User, liaison.id)
        clock.set(2024, 3, 4)
        action = services.create_action(
            db.session.get(Meeting, meeting.id),
            _details(f, title="Closed late", due=date(2024, 3, 22)),
            by=o,
        )
        services.transition(
            action, ActionStatus.IMPLEMENTED, by=f, note="Evidence", today=date(2024, 3, 4)
        )
        db.session.commit()
        clock.set(2024, 4, 2)
        services.assure(
            action, by=o, method=EVIDENCE, verdict=ASSURED, note="", today=date(2024, 4, 1)
        )
        db.session.commit()
        if reopened_later:
            clock.set(2024, 4, 5)
            services.transition(
                action, ActionStatus.REOPENED, by=o, note="Not done", today=date(2024, 4, 5)
            )
            db.session.commit()
        clock.release()
        [then] = as_at.actions_as_at([action], as_at.moment_for(date(2024, 4, 3)))
    assert then.status == ActionStatus.CLOSED
    assert then.closed_on == date(2024, 4, 1)
