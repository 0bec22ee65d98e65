"""Private calendar feeds and the public A&A timetable, parsed back with icalendar."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import select

from tests.conftest import counting_statements
from tests.factories import (
    london_today,
    make_action,
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import Action, ActionStatus, Marking
from tracker.auth.models import Role, User
from tracker.calendar import services
from tracker.calendar.ics import render_calendar
from tracker.calendar.models import CalendarFeed
from tracker.calendar.queries import Entry
from tracker.db import db
from tracker.request_log import REDACTED
from tracker.sources.models import RequestStatus

LONDON = ZoneInfo("Europe/London")


def feed_path(app, user: User) -> str:
    """Create (or reset) `user`'s feed and return its path."""
    with app.test_request_context():
        from flask import url_for

        feed = services.reset_feed(db.session.get(User, user.id))
        db.session.commit()
        return url_for("calendar.feed", token=services.feed_secret(feed))


def events_of(response) -> dict[str, object]:
    """The feed's events by UID."""
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def summaries(response) -> list[str]:
    return [str(event["summary"]) for event in events_of(response).values()]


def test_feed_lists_the_owners_deadlines_as_all_day_events(app, client, liaison):
    meeting = make_meeting(app, held_on=london_today() + timedelta(days=7))
    action = make_action(app, meeting, liaison, title="Publish the custody audit")
    adhoc = make_adhoc_request(app, subject="Stop and search figures")
    report = make_report(app, title="PEEL 2025", cc_comments_due_on=date(2026, 12, 1))
    # The force sees a Panel item only through an action of its own there.
    make_panel_item(app, agenda_item="Precept scrutiny", response_due_on=date(2027, 1, 5))

    events = events_of(client.get(feed_path(app, liaison)))

    domain = app.config["CALENDAR_UID_DOMAIN"]
    assert set(events) == {
        f"action-{action.id}@{domain}",
        f"adhoc-request-{adhoc.id}@{domain}",
        f"hmicfrs-report-{report.id}-cc-comments@{domain}",
        f"hmicfrs-report-{report.id}-pcc-comments@{domain}",
        f"meeting-{meeting.id}@{domain}",
    }
    due = events[f"action-{action.id}@{domain}"]
    assert str(due["summary"]) == f"Due: {action.reference} Publish the custody audit"
    start = due.decoded("dtstart")
    assert type(start) is date
    assert start == action.due_on
    assert due["dtstart"].params["VALUE"] == "DATE"
    assert due.decoded("dtend") == action.due_on + timedelta(days=1)
    assert f"/actions/{action.id}" in str(due["url"])
    assert events[f"hmicfrs-report-{report.id}-cc-comments@{domain}"].decoded("dtstart") == date(
        2026, 12, 1
    )


def test_panel_response_dates_are_in_the_opcc_feed(app, client, officer):
    item = make_panel_item(app, agenda_item="Precept scrutiny", response_due_on=date(2027, 1, 5))
    answered = make_panel_item(
        app, response_due_on=date(2027, 1, 5), pcc_response="Done", pcc_response_on=date(2027, 1, 2)
    )

    events = events_of(client.get(feed_path(app, officer)))

    domain = app.config["CALENDAR_UID_DOMAIN"]
    assert f"panel-item-{item.id}@{domain}" in events
    assert f"panel-item-{answered.id}@{domain}" not in events
    assert str(events[f"panel-item-{item.id}@{domain}"]["summary"]) == (
        "PCC response due: Precept scrutiny"
    )


def test_uids_are_the_same_on_every_fetch_and_sequence_follows_the_version(app, client, liaison):
    action = make_action(app, make_meeting(app), liaison)
    path = feed_path(app, liaison)
    first = events_of(client.get(path))
    with app.app_context():
        db.session.get(Action, action.id).title = "Retitled"
        db.session.commit()

    second = events_of(client.get(path))

    assert set(first) == set(second)
    [uid] = [uid for uid in first if uid.startswith("action-")]
    assert second[uid]["sequence"] == first[uid]["sequence"] + 1
    assert second[uid].decoded("last-modified") >= first[uid].decoded("last-modified")
    assert "Retitled" in str(second[uid]["summary"])


def test_finished_actions_and_answered_requests_are_left_out(app, client, liaison):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, status=ActionStatus.CLOSED, title="Closed one")
    make_action(app, meeting, liaison, status=ActionStatus.WITHDRAWN, title="Withdrawn one")
    make_adhoc_request(app, subject="Answered", status=RequestStatus.RECEIVED)
    make_report(app, title="Commented on", comments_published_on=date(2022, 8, 1))

    titles = " ".join(summaries(client.get(feed_path(app, liaison))))

    assert "Closed one" not in titles
    assert "Withdrawn one" not in titles
    assert "Answered" not in titles
    assert "Commented on" not in titles


def test_opcc_staff_see_actions_awaiting_their_assurance(app, client, officer, liaison):
    meeting = make_meeting(app)
    implemented = make_action(
        app, meeting, liaison, status=ActionStatus.IMPLEMENTED, title="Ready for assurance"
    )
    make_action(app, meeting, liaison, title="Someone else's open action")

    titles = summaries(client.get(feed_path(app, officer)))

    assert f"Assure: {implemented.reference} Ready for assurance" in titles
    assert not any("Someone else's open action" in title for title in titles)


def test_force_feed_never_contains_an_opcc_only_action(app, client, liaison):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="Force work")
    make_action(app, meeting, liaison, title="Internal OPCC work", opcc_only=True)

    titles = " ".join(summaries(client.get(feed_path(app, liaison))))

    assert "Force work" in titles
    assert "Internal OPCC work" not in titles


def test_clerk_feed_holds_only_what_clerks_may_see(app, client, clerk):
    published = make_meeting(app, title="Public performance meeting", held_on=london_today())
    make_meeting(app, title="Private planning meeting", published=False, held_on=london_today())
    make_adhoc_request(app, subject="Request to the Chief Constable")
    make_panel_item(app, agenda_item="Published item", response_due_on=date(2027, 1, 5))
    make_panel_item(
        app, agenda_item="Unpublished item", response_due_on=date(2027, 1, 5), published=False
    )
    make_report(app, title="PEEL for everyone")

    titles = summaries(client.get(feed_path(app, clerk)))

    assert f"A&A meeting: {published.title}" in titles
    assert "PCC response due: Published item" in titles
    assert "s.55 PCC comments due: PEEL for everyone" in titles
    assert not any("Private planning" in t or "Chief Constable" in t for t in titles)
    assert not any("Unpublished item" in t for t in titles)


def test_official_sensitive_titles_stay_out_of_calendars(app, client, liaison):
    action = make_action(
        app,
        make_meeting(app),
        liaison,
        title="Covert source handling",
        marking=Marking.OFFICIAL_SENSITIVE,
    )

    response = client.get(feed_path(app, liaison))

    assert b"Covert source handling" not in response.data
    assert f"Due: {action.reference} (OFFICIAL-SENSITIVE)" in summaries(response)


def test_feed_opens_without_a_session_and_keeps_its_address_private(app, client, liaison):
    path = feed_path(app, liaison)

    response = client.get(path)

    assert "session" not in response.headers.get("Set-Cookie", "")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_secret_never_reaches_the_log(app, client, liaison, caplog):
    path = feed_path(app, liaison)
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")

    with caplog.at_level(logging.DEBUG):
        assert client.get(path).status_code == 200

    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert f"/calendar/feed/{REDACTED}.ics" in logged
    assert secret not in logged


def test_only_a_hash_of_the_secret_is_stored(app, liaison):
    path = feed_path(app, liaison)
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")

    with app.app_context():
        feed = db.session.scalar(select(CalendarFeed))
        assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (feed.nonce, feed.token_hash)


def test_an_unknown_secret_is_not_found(app, client, liaison):
    feed_path(app, liaison)

    assert client.get("/calendar/feed/" + "A" * services.SECRET_LENGTH + ".ics").status_code == 404
    assert client.get("/calendar/feed/short.ics").status_code == 404


def test_resetting_the_address_makes_the_old_one_not_found(
    app, client, login_as, post_form, liaison
):
    old = feed_path(app, liaison)
    login_as(liaison)

    response = post_form("/account/calendar/reset", form_page="/account/calendar")

    assert response.status_code == 302
    page = client.get("/account/calendar")
    assert old not in page.text
    new = page.text.split('id="feed-url" type="text" value="', 1)[1].split('"', 1)[0]
    assert client.get(old).status_code == 404
    assert client.get(new.removeprefix(app.config["SERVER_BASE_URL"])).status_code == 200


def test_account_page_creates_an_address_on_request(app, client, login_as, post_form, clerk):
    login_as(clerk)
    assert "Create calendar address" in client.get("/account/calendar").text

    post_form("/account/calendar/reset", form_page="/account/calendar")

    page = client.get("/account/calendar")
    assert "Reset calendar address" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed)).user_id == clerk.id


def test_a_deactivated_users_feed_is_not_found(app, client, liaison):
    path = feed_path(app, liaison)
    with app.app_context():
        db.session.get(User, liaison.id).active = False
        db.session.commit()

    assert client.get(path).status_code == 404


def test_feed_follows_the_users_current_role(app, client, make_user):
    user = make_user(Role.OPCC_OFFICER)
    meeting = make_meeting(app)
    make_action(app, meeting, user, title="Internal OPCC work", opcc_only=True)
    path = feed_path(app, user)
    assert any("Internal OPCC work" in t for t in summaries(client.get(path)))
    with app.app_context():
        from tracker.auth.models import ROLE_ORGANISATION

        changed = db.session.get(User, user.id)
        changed.role = Role.PANEL_CLERK
        changed.organisation = ROLE_ORGANISATION[Role.PANEL_CLERK]
        db.session.commit()

    assert not any("Internal OPCC work" in t for t in summaries(client.get(path)))


def test_feed_reads_in_the_same_number_of_statements_however_many_deadlines(app, client, officer):
    def statements_for_feed() -> int:
        path = feed_path(app, officer)
        with counting_statements(app) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    meeting = make_meeting(app, held_on=london_today())
    make_action(app, meeting, officer)
    make_adhoc_request(app)
    make_report(app, cc_comments_due_on=date(2026, 12, 1))
    few = statements_for_feed()
    for _ in range(4):
        make_action(app, make_meeting(app, held_on=london_today()), officer)
        make_adhoc_request(app)
        make_report(app, cc_comments_due_on=date(2026, 12, 1))
        make_panel_item(app, response_due_on=date(2027, 1, 5))

    assert statements_for_feed() == few


# The public timetable ----------------------------------------------------------------


def test_public_timetable_lists_published_meetings_only(app, client):
    shown = make_meeting(app, title="Quarterly performance", held_on=london_today())
    make_meeting(app, title="Unpublished thematic", published=False, held_on=london_today())

    response = client.get("/calendar/timetable.ics")

    events = events_of(response)
    domain = app.config["CALENDAR_UID_DOMAIN"]
    assert list(events) == [f"meeting-{shown.id}@{domain}"]
    assert b"Unpublished thematic" not in response.data
    event = events[f"meeting-{shown.id}@{domain}"]
    assert str(event["class"]) == "PUBLIC"
    assert "url" not in event  # meeting pages need signing in
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_a_meeting_with_a_start_time_is_a_timed_event_in_london_time(app, client):
    timed = make_meeting(
        app, title="Thematic: rural crime", held_on=date(2027, 1, 14), starts_at=time(14, 30)
    )
    all_day = make_meeting(app, title="Public meeting", held_on=date(2027, 7, 8))

    events = events_of(client.get("/calendar/timetable.ics"))

    domain = app.config["CALENDAR_UID_DOMAIN"]
    start = events[f"meeting-{timed.id}@{domain}"].decoded("dtstart")
    assert start == datetime(2027, 1, 14, 14, 30, tzinfo=LONDON)
    assert start.utcoffset() == timedelta(0)  # Greenwich Mean Time in January
    day = events[f"meeting-{all_day.id}@{domain}"].decoded("dtstart")
    assert day == date(2027, 7, 8)
    assert not isinstance(day, datetime)


def test_public_timetable_needs_no_sign_in_and_shows_no_findings(app, client):
    report = make_report(app)
    make_finding(app, report)

    response = client.get("/calendar/timetable.ics")

    assert response.status_code == 200
    assert list(Calendar.from_ical(response.data).walk("VEVENT")) == []


# Rendering -----------------------------------------------------------------------------


def test_timed_entries_are_in_europe_london(app):
    entry = Entry(
        key="meeting-1",
        summary="A&A meeting",
        day=date(2026, 7, 1),
        starts_at=time(10, 0),
        modified=datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("UTC")),
        busy=True,
    )

    body = render_calendar(
        [entry], name="Test", product="Test", uid_domain="example.org", zone=LONDON, private=True
    )

    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert isinstance(start, datetime)
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert start.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(calendar["x-wr-timezone"]) == "Europe/London"
    assert str(event["transp"]) == "OPAQUE"


@pytest.mark.parametrize("private", [True, False])
def test_every_event_has_a_stamp_and_class(app, private):
    entry = Entry(key="action-1", summary="Due", day=date(2026, 1, 1), sequence=3)

    body = render_calendar(
        [entry], name="T", product="T", uid_domain="example.org", zone=LONDON, private=private
    )

    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstamp").tzinfo is not None
    assert event["sequence"] == 3
    assert str(event["class"]) == ("PRIVATE" if private else "PUBLIC")
