"""The A&A programme: meeting state, papers due, lines of enquiry, public questions,
matters arising by series, meeting kinds and upcoming_papers."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import make_action, make_meeting, meeting_kind
from tracker.db import db
from tracker.errors import PermissionDeniedError
from tracker.programme import queries, services
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.sources.models import Meeting, MeetingKind, MeetingState

FUTURE = date(2099, 6, 3)


def _get(model, record_id):
    return db.session.get(model, record_id)


def _line(app, meeting, question="How are response times changing?", **fields):
    with app.app_context():
        line = LineOfEnquiry(meeting_id=meeting.id, question=question, **fields)
        db.session.add(line)
        db.session.commit()
        return line.id


# Papers due ------------------------------------------------------------------------------


def test_papers_due_skip_bank_holidays_and_say_so(app):
    # 8 April 2026 is a Wednesday after Easter: Good Friday and Easter Monday are skipped.
    meeting = make_meeting(app, held_on=date(2026, 4, 8), state=MeetingState.PLANNED)
    with app.app_context():
        row = queries.papers_due([_get(Meeting, meeting.id)], date(2026, 3, 1))[0]
    assert row.due_on == date(2026, 3, 30)
    assert "Good Friday" in row.due.explanation
    assert "Easter Monday" in row.due.explanation
    assert row.days_overdue == 0


def test_papers_are_overdue_only_while_the_meeting_is_planned_and_nothing_received(app):
    meeting = make_meeting(app, held_on=date(2026, 4, 8), state=MeetingState.PLANNED)
    with app.app_context():
        loaded = _get(Meeting, meeting.id)
        assert queries.papers_due([loaded], date(2026, 4, 1))[0].days_overdue == 2
        loaded.papers_received_on = date(2026, 3, 31)
        assert queries.papers_due([loaded], date(2026, 4, 1))[0].days_overdue == 0
        loaded.papers_received_on = None
        loaded.state = MeetingState.HELD
        assert queries.papers_due([loaded], date(2026, 4, 9))[0].days_overdue == 0


def test_upcoming_papers_lists_planned_meetings_the_force_owes_papers_for(app, liaison):
    due = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED, title="Owed")
    make_meeting(
        app,
        held_on=FUTURE,
        state=MeetingState.PLANNED,
        title="Received",
        papers_received_on=date(2099, 5, 1),
    )
    make_meeting(app, held_on=FUTURE, state=MeetingState.CANCELLED, cancel_reason="Snow")
    make_meeting(app, held_on=date(2023, 6, 5), title="Past")
    with app.app_context():
        rows = queries.upcoming_papers(_get(type(liaison), liaison.id), date(2099, 1, 4))
    assert [row.meeting.id for row in rows] == [due.id]
    assert rows[0].due_on < FUTURE


# Meeting state ----------------------------------------------------------------------------


def test_a_future_meeting_cannot_be_recorded_as_held(app, officer):
    meeting = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED)
    with app.app_context():
        loaded = _get(Meeting, meeting.id)
        with pytest.raises(services.ProgrammeRuleError, match="future"):
            services.record_held(
                loaded,
                by=_get(type(officer), officer.id),
                today=date(2026, 1, 5),
                expected_version=loaded.version,
            )


def test_cancelling_needs_a_reason_and_is_audited(app, officer):
    meeting = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED)
    with app.app_context():
        loaded = _get(Meeting, meeting.id)
        by = _get(type(officer), officer.id)
        with pytest.raises(services.ProgrammeRuleError, match="why"):
            services.cancel_meeting(loaded, "  ", by=by, expected_version=loaded.version)
        services.cancel_meeting(loaded, "The PCC is ill", by=by, expected_version=loaded.version)
        db.session.commit()
        assert loaded.state == MeetingState.CANCELLED
        assert loaded.cancel_reason == "The PCC is ill"


def test_a_meeting_recorded_with_a_future_date_is_planned(app, client, post_form, login_as, admin):
    kind = meeting_kind(app)
    login_as(admin)
    response = post_form(
        "/meetings/new",
        {
            "kind": str(kind.id),
            "held_on": ["3", "6", "2099"],
            "title": "Future performance meeting",
            "new_series": "Quarterly performance 2099/00",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title.like("Future%")))
        assert meeting.state == MeetingState.PLANNED
        assert meeting.series.name == "Quarterly performance 2099/00"


# Lines of enquiry ------------------------------------------------------------------------


def test_force_answers_a_line_then_cannot_change_it_once_concluded(
    auth, app, client, post_form, login_as, officer, liaison
):
    meeting = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED, published=False)
    line_id = _line(app, meeting)
    login_as(liaison)
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    assert "How are response times changing?" in page.text
    response = post_form(
        f"/lines/{line_id}/answer", {"answer": "Four minutes faster", "version": "1"}
    )
    assert response.status_code == 302
    auth.logout()
    login_as(officer)
    post_form(
        f"/lines/{line_id}/conclude",
        {"conclusion": "The PCC concluded that times improved", "version": "2"},
    )
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Four minutes faster" in page
    assert "The PCC concluded that times improved" in page
    assert "Outcome" in page
    auth.logout()
    login_as(liaison)
    assert client.get(f"/lines/{line_id}/answer").status_code == 403


def test_a_stale_answer_is_refused(app, client, post_form, login_as, liaison):
    meeting = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED)
    line_id = _line(app, meeting, version=3)
    login_as(liaison)
    response = post_form(f"/lines/{line_id}/answer", {"answer": "Late", "version": "7"})
    assert response.status_code == 409
    with app.app_context():
        assert _get(LineOfEnquiry, line_id).answer == ""


def test_force_never_sees_an_opcc_only_line(app, client, login_as, liaison):
    meeting = make_meeting(app, held_on=FUTURE, state=MeetingState.PLANNED)
    line_id = _line(app, meeting, question="Draft line Marram", opcc_only=True)
    login_as(liaison)
    assert "Draft line Marram" not in client.get(f"/meetings/{meeting.id}").text
    assert client.get(f"/lines/{line_id}/answer").status_code == 404


def test_the_report_shows_papers_and_lines_of_enquiry_in_the_pdf(app, client, login_as, officer):
    meeting = make_meeting(app, held_on=date(2026, 4, 8), title="April A&A")
    _line(
        app,
        meeting,
        question="Question Sandpiper",
        answer="Answer Turnstone",
        conclusion="The PCC sought reassurance that Dunlin",
    )
    login_as(officer)
    response = client.get(f"/reports/meetings/{meeting.id}.pdf")
    assert response.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Question Sandpiper" in text
    assert "Answer Turnstone" in text
    assert "The PCC sought reassurance that Dunlin" in text
    assert "papers due 30 March 2026" in text


# Matters arising by series ---------------------------------------------------------------


def test_matters_arising_come_from_the_same_series_and_brought_actions(
    app, client, login_as, officer, liaison
):
    with app.app_context():
        by = _get(type(officer), officer.id)
        vawg = services.series_named("Thematic: VAWG", by=by).id
        roads = services.series_named("Thematic: roads", by=by).id
        db.session.commit()
    first = make_meeting(app, kind="thematic", series_id=vawg, held_on=date(2023, 6, 5))
    other = make_meeting(app, kind="thematic", series_id=roads, held_on=date(2023, 7, 5))
    later = make_meeting(app, kind="thematic", series_id=vawg, held_on=date(2023, 9, 5))
    hmicfrs_meeting = make_meeting(app, kind="public", held_on=date(2023, 1, 5))
    make_action(app, first, liaison, title="Same series Curlew")
    make_action(app, other, liaison, title="Other series Avocet")
    brought = make_action(app, hmicfrs_meeting, liaison, title="Brought on purpose Godwit")
    login_as(officer)
    with app.app_context():
        by = _get(type(officer), officer.id)
        from tracker.actions.models import Action

        services.bring_action(_get(Meeting, later.id), _get(Action, brought.id), by=by)
        db.session.commit()
    page = client.get(f"/reports/meetings/{later.id}").text
    assert "Same series Curlew" in page
    assert "Brought on purpose Godwit" in page
    assert "Other series Avocet" not in page


# Public questions ------------------------------------------------------------------------


def test_who_asked_a_public_question_stays_within_the_opcc(
    auth, app, client, login_as, officer, liaison
):
    meeting = make_meeting(app, kind="public", held_on=date(2023, 6, 5))
    with app.app_context():
        db.session.add(
            PublicQuestion(
                meeting_id=meeting.id,
                question="Question Whimbrel",
                asked_by="Ms Knot",
                published=True,
            )
        )
        db.session.commit()
    login_as(officer)
    assert "Ms Knot" in client.get(f"/meetings/{meeting.id}").text
    auth.logout()
    login_as(liaison)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Question Whimbrel" in page
    assert "Ms Knot" not in page


# The timetable ---------------------------------------------------------------------------


def test_the_panel_sees_only_published_meetings_in_the_timetable(
    auth, app, client, login_as, clerk, liaison
):
    make_meeting(app, held_on=date(2026, 5, 6), title="Published Plover", published=True)
    make_meeting(app, held_on=date(2026, 6, 3), title="Unpublished Ruff", published=False)
    login_as(clerk)
    page = client.get("/programme/timetable?year=2026").text
    assert "Published Plover" in page
    assert "Unpublished Ruff" not in page
    auth.logout()
    login_as(liaison)
    page = client.get("/programme/timetable?year=2026").text
    assert "Unpublished Ruff" in page
    assert "How this was worked out" in page


# Meeting kinds ----------------------------------------------------------------------------


def test_a_kind_in_use_cannot_be_deleted_but_can_be_retired(
    app, client, post_form, login_as, admin
):
    meeting = make_meeting(app, kind="Monthly assurance")
    unused = meeting_kind(app, "Unused kind")
    login_as(admin)
    post_form(
        f"/admin/settings/meeting-kinds/{meeting.kind_id}/delete",
        form_page="/admin/settings/meeting-kinds",
    )
    post_form(
        f"/admin/settings/meeting-kinds/{unused.id}/delete",
        form_page="/admin/settings/meeting-kinds",
    )
    with app.app_context():
        assert _get(MeetingKind, meeting.kind_id) is not None
        assert _get(MeetingKind, unused.id) is None
    post_form(
        f"/admin/settings/meeting-kinds/{meeting.kind_id}/retire",
        form_page="/admin/settings/meeting-kinds",
    )
    with app.app_context():
        assert _get(MeetingKind, meeting.kind_id).active is False
        assert [k.id for k in queries.active_kinds()] == []


def test_old_kind_values_still_name_a_kind(app):
    with app.app_context():
        services.seed_meeting_kinds()
        assert services.meeting_kind_named("performance").name == "Quarterly performance"
        assert services.meeting_kind_named("monthly ASSURANCE").name == "Monthly assurance"


def test_only_administrators_change_meeting_kinds(app, officer):
    with app.app_context(), pytest.raises(PermissionDeniedError):
        services.add_meeting_kind("Estates", by=_get(type(officer), officer.id))


def test_adding_a_meeting_kind_or_series_is_in_the_audit_trail(app, admin, officer):
    from tracker.audit.models import AuditEvent

    with app.app_context():
        kind = services.add_meeting_kind("  Thematic: rural crime ", by=_get(type(admin), admin.id))
        series = services.series_named(
            "Quarterly performance 2027/28", by=_get(type(officer), officer.id)
        )
        db.session.commit()
        events = {
            event.entity_type: event
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "created")
            )
        }
        made = events["meeting_kind"]
        assert (made.entity_id, made.actor_id, made.summary) == (kind.id, admin.id, kind.name)
        assert made.changes == {"name": [None, "Thematic: rural crime"], "active": [None, True]}
        started = events["meeting_series"]
        assert (started.entity_id, started.actor_id) == (series.id, officer.id)
        assert started.changes == {
            "name": [None, "Quarterly performance 2027/28"],
            "active": [None, True],
        }
