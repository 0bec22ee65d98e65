"""Hostile values posted to the source forms: meetings, ad-hoc requests and their
responses, Panel items, HMICFRS reports and findings, each created and changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from tests.factories import (
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    meeting_kind,
)
from tests.factories import make_report as make_hmicfrs_report
from tests.fuzz.conftest import (
    FUZZ,
    check_post,
    date_refused,
    first,
    form_posts,
    hostile_choice,
    hostile_date,
    hostile_number,
    hostile_text,
    posted,
    text_refused,
)
from tracker.db import db
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    Meeting,
    PanelItem,
    PanelItemKind,
    ReportScope,
    ReportType,
)


def current_version(app, model, record_id: int) -> str:
    with app.app_context():
        version = db.session.get(model, record_id).version
        db.session.remove()
        return str(version)


def shown(poster):
    """The page a successful save redirects to."""

    def _show(response) -> str:
        page = poster.client.get(response.headers["Location"])
        assert page.status_code == 200
        return page.get_data(as_text=True)

    return _show


def hostile_version() -> st.SearchStrategy[str]:
    return st.one_of(hostile_number(), hostile_text())


# Meetings ------------------------------------------------------------------------------

MEETING = {
    # The first kind in the list (each meeting test adds it): kinds are rows, not values.
    "kind": "1",
    "held_on": ["5", "6", "2023"],
    "title": "Performance meeting",
    "themes": "Victims\nRoads",
    "chair": "The PCC",
    "attendees": "Chief Constable",
    "minutes_url": "https://www.example.org/minutes",
    "published": "y",
}
MEETING_HOSTILE = {
    "kind": hostile_choice(["1"]),
    "held_on": hostile_date(),
    "title": hostile_text(),
    "themes": hostile_text(),
    "chair": hostile_text(),
    "attendees": hostile_text(),
    "minutes_url": st.one_of(
        hostile_text(), st.sampled_from(["javascript:alert(1)", "https://x", "data:text/html,<b>"])
    ),
    "published": hostile_text(),
}


def meeting_refused(pairs) -> bool:
    return (
        text_refused(pairs, "title", max_length=200, required=True)
        or any(text_refused(pairs, n, max_length=None) for n in ("themes", "chair", "attendees"))
        or date_refused(pairs, "held_on", required=True)
        or any(v.lower().startswith("javascript:") for v in posted(pairs, "minutes_url")[:1])
    )


@FUZZ
@given(pairs=form_posts(MEETING, MEETING_HOSTILE))
def test_meeting_create(app, officer, poster, pairs):
    assert meeting_kind(app).id == 1
    poster.sign_in(officer)
    poster.refresh_token("/meetings/new")
    texts = [v for k, v in pairs if k in ("title", "themes", "chair", "attendees")]
    check_post(
        app,
        poster,
        "/meetings/new",
        pairs,
        must_refuse=meeting_refused(pairs),
        show=shown(poster),
        texts=texts,
        saved_texts=first(pairs, "title", "chair"),
    )


@FUZZ
@given(
    pairs=form_posts(MEETING, {**MEETING_HOSTILE, "version": hostile_version()}),
    stale=st.booleans(),
)
def test_meeting_edit(app, officer, poster, pairs, stale):
    poster.sign_in(officer)
    meeting = make_meeting(app)
    assert meeting.kind_id == 1
    poster.refresh_token(f"/meetings/{meeting.id}/edit")
    if not posted(pairs, "version"):
        pairs = [*pairs, ("version", "1" if not stale else "0")]
    response = check_post(
        app,
        poster,
        f"/meetings/{meeting.id}/edit",
        pairs,
        must_refuse=meeting_refused(pairs) or posted(pairs, "version")[0] != "1",
        show=shown(poster),
        texts=[v for k, v in pairs if k in ("title", "themes", "chair", "attendees")],
        saved_texts=first(pairs, "title", "chair"),
    )
    if response.status_code == 409:
        assert "changed while you were editing" in response.get_data(as_text=True) or (
            "Someone else saved" in response.get_data(as_text=True)
        )


# Ad-hoc requests -----------------------------------------------------------------------

ADHOC = {
    "subject": "Crime in Pershore",
    "detail": "What is being done?",
    "sent_on": ["3", "7", "2023"],
    "recipient": "Chief Constable",
    "response_due_override": ["", "", ""],
    "override_reason": "",
}
ADHOC_HOSTILE = {
    "subject": hostile_text(),
    "detail": hostile_text(),
    "sent_on": hostile_date(),
    "recipient": hostile_text(),
    "response_due_override": hostile_date(),
    "override_reason": hostile_text(),
}


def adhoc_refused(pairs) -> bool:
    return (
        text_refused(pairs, "subject", max_length=200, required=True)
        or text_refused(pairs, "recipient", max_length=120, required=True)
        or text_refused(pairs, "detail", max_length=None)
        or text_refused(pairs, "override_reason", max_length=500)
        or date_refused(pairs, "sent_on", required=True)
        or date_refused(pairs, "response_due_override", required=False)
    )


@FUZZ
@given(pairs=form_posts(ADHOC, ADHOC_HOSTILE))
def test_adhoc_request_create(app, officer, poster, pairs):
    poster.sign_in(officer)
    poster.refresh_token("/requests/new")
    check_post(
        app,
        poster,
        "/requests/new",
        pairs,
        must_refuse=adhoc_refused(pairs),
        show=shown(poster),
        texts=[v for k, v in pairs if k in ADHOC_HOSTILE],
        saved_texts=first(pairs, "subject", "recipient"),
    )


@FUZZ
@given(pairs=form_posts({**ADHOC, "version": "1"}, {**ADHOC_HOSTILE, "version": hostile_version()}))
def test_adhoc_request_edit(app, officer, poster, pairs):
    poster.sign_in(officer)
    adhoc = make_adhoc_request(app)
    poster.refresh_token(f"/requests/{adhoc.id}/edit")
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        f"/requests/{adhoc.id}/edit",
        pairs,
        must_refuse=adhoc_refused(pairs) or not version or version[0] != "1",
        show=shown(poster),
        texts=[v for k, v in pairs if k in ADHOC_HOSTILE],
        saved_texts=first(pairs, "subject", "recipient"),
    )


RESPONSE = {
    "response_received_on": ["10", "7", "2023"],
    "response": "The force replied.",
    "status": "received",
    "version": "1",
}


@FUZZ
@given(
    pairs=form_posts(
        RESPONSE,
        {
            "response_received_on": hostile_date(),
            "response": hostile_text(),
            "status": hostile_choice(["received", "awaiting", "closed"]),
            "version": hostile_version(),
        },
    )
)
def test_adhoc_response(app, officer, poster, pairs):
    poster.sign_in(officer)
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/response"
    poster.refresh_token(url)
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=text_refused(pairs, "response", max_length=None, required=True)
        or date_refused(pairs, "response_received_on", required=True)
        or not version
        or version[0] != "1",
        show=shown(poster),
        texts=posted(pairs, "response"),
        saved_texts=first(pairs, "response"),
    )
    assert current_version(app, AdhocRequest, adhoc.id) in {"1", "2"}


# Panel items ---------------------------------------------------------------------------

PANEL = {
    "panel_meeting_on": ["27", "7", "2023"],
    "agenda_item": "6. Police and Crime Plan update",
    "kind": PanelItemKind.INFORMATION.value,
    "text": "How many officers are front line?",
    "published": "y",
}
PANEL_HOSTILE = {
    "panel_meeting_on": hostile_date(),
    "agenda_item": hostile_text(),
    "kind": hostile_choice([k.value for k in PanelItemKind]),
    "text": hostile_text(),
    "response_due_on": hostile_date(),
    "minute_number": hostile_text(),
    "published": hostile_text(),
}


def panel_refused(pairs) -> bool:
    return (
        text_refused(pairs, "text", max_length=20_000, required=True)
        or text_refused(pairs, "agenda_item", max_length=200)
        or text_refused(pairs, "minute_number", max_length=40)
        or date_refused(pairs, "panel_meeting_on", required=True)
        or date_refused(pairs, "response_due_on", required=False)
    )


@FUZZ
@given(pairs=form_posts(PANEL, PANEL_HOSTILE))
def test_panel_item_create(app, officer, poster, pairs):
    poster.sign_in(officer)
    poster.refresh_token("/panel/new")
    check_post(
        app,
        poster,
        "/panel/new",
        pairs,
        must_refuse=panel_refused(pairs),
        show=shown(poster),
        texts=[v for k, v in pairs if k in ("agenda_item", "text", "minute_number")],
        saved_texts=first(pairs, "text"),
    )


@FUZZ
@given(pairs=form_posts({**PANEL, "version": "1"}, {**PANEL_HOSTILE, "version": hostile_version()}))
def test_panel_item_edit(app, officer, poster, pairs):
    poster.sign_in(officer)
    item = make_panel_item(app)
    poster.refresh_token(f"/panel/{item.id}/edit")
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        f"/panel/{item.id}/edit",
        pairs,
        must_refuse=panel_refused(pairs) or not version or version[0] != "1",
        show=shown(poster),
        texts=[v for k, v in pairs if k in ("agenda_item", "text", "minute_number")],
        saved_texts=first(pairs, "text"),
    )
    assert current_version(app, PanelItem, item.id) in {"1", "2"}


# HMICFRS reports and findings --------------------------------------------------------------

REPORT = {
    "code": "PEEL22",
    "title": "PEEL 2021/22",
    "report_type": ReportType.PEEL.value,
    "scope": ReportScope.FORCE.value,
    "published_on": ["15", "6", "2022"],
}
REPORT_HOSTILE = {
    "code": st.one_of(hostile_text(), st.text("ABC123", min_size=1, max_size=25)),
    "title": hostile_text(),
    "report_type": hostile_choice([t.value for t in ReportType]),
    "scope": hostile_choice([s.value for s in ReportScope]),
    "published_on": hostile_date(),
    "cc_comments_due_on": hostile_date(),
    "comments_published_on": hostile_date(),
    "comments_url": st.one_of(hostile_text(), st.just("javascript:alert(1)//x.org")),
    "sent_to_hmicfrs_on": hostile_date(),
    "sent_to_home_secretary_on": hostile_date(),
}


def report_refused(pairs) -> bool:
    code = [v.strip() for v in posted(pairs, "code")[:1]]
    return (
        text_refused(pairs, "title", max_length=200, required=True)
        or (code and not (code[0].isascii() and code[0].isalnum() and len(code[0]) <= 20))
        or date_refused(pairs, "published_on", required=True)
        or any(
            date_refused(pairs, name, required=False)
            for name in (
                "cc_comments_due_on",
                "comments_published_on",
                "sent_to_hmicfrs_on",
                "sent_to_home_secretary_on",
            )
        )
        or any(v.lower().startswith("javascript:") for v in posted(pairs, "comments_url")[:1])
    )


@FUZZ
@given(pairs=form_posts(REPORT, REPORT_HOSTILE))
def test_hmicfrs_report_create(app, officer, poster, pairs):
    poster.sign_in(officer)
    poster.refresh_token("/hmicfrs/new")
    check_post(
        app,
        poster,
        "/hmicfrs/new",
        pairs,
        must_refuse=report_refused(pairs),
        show=shown(poster),
        texts=posted(pairs, "title"),
        saved_texts=first(pairs, "title"),
    )


@FUZZ
@given(
    pairs=form_posts({**REPORT, "version": "1"}, {**REPORT_HOSTILE, "version": hostile_version()})
)
def test_hmicfrs_report_edit(app, officer, poster, pairs):
    poster.sign_in(officer)
    report = make_hmicfrs_report(app)
    poster.refresh_token(f"/hmicfrs/{report.id}/edit")
    pairs = [("code", report.code) if p == ("code", "PEEL22") else p for p in pairs]
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        f"/hmicfrs/{report.id}/edit",
        pairs,
        must_refuse=report_refused(pairs) or not version or version[0] != "1",
        show=shown(poster),
        texts=posted(pairs, "title"),
        saved_texts=first(pairs, "title"),
    )
    assert current_version(app, HmicfrsReport, report.id) in {"1", "2"}


FINDING = {
    "kind": FindingKind.RECOMMENDATION.value,
    "reference": "R1",
    "text": "The force should answer 999 calls sooner",
    "parent_id": "",
    "inspectorate_status": InspectorateStatus.AWAITING_REVIEW.value,
}
FINDING_HOSTILE = {
    "kind": hostile_choice([k.value for k in FindingKind]),
    "reference": st.one_of(hostile_text(), st.text("R0123456789", min_size=1, max_size=25)),
    "text": hostile_text(),
    "parent_id": hostile_number(),
    "inspectorate_status": hostile_choice([s.value for s in InspectorateStatus]),
}


def finding_refused(pairs) -> bool:
    reference = [v.strip() for v in posted(pairs, "reference")[:1]]
    return text_refused(pairs, "text", max_length=20_000, required=True) or (
        reference
        and not (reference[0].isascii() and reference[0].isalnum() and len(reference[0]) <= 20)
    )


@FUZZ
@given(pairs=form_posts(FINDING, FINDING_HOSTILE))
def test_finding_create(app, officer, poster, pairs):
    poster.sign_in(officer)
    report = make_hmicfrs_report(app)
    url = f"/hmicfrs/{report.id}/findings/new"
    poster.refresh_token(url)
    check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=finding_refused(pairs),
        show=shown(poster),
        texts=posted(pairs, "text"),
        saved_texts=first(pairs, "text"),
    )


@FUZZ
@given(
    pairs=form_posts({**FINDING, "version": "1"}, {**FINDING_HOSTILE, "version": hostile_version()})
)
def test_finding_edit(app, officer, poster, pairs):
    poster.sign_in(officer)
    report = make_hmicfrs_report(app)
    finding = make_finding(app, report, reference="R1")
    url = f"/hmicfrs/findings/{finding.id}/edit"
    poster.refresh_token(url)
    version = posted(pairs, "version")
    check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=finding_refused(pairs) or not version or version[0] != "1",
        show=shown(poster),
        texts=posted(pairs, "text"),
        saved_texts=first(pairs, "text"),
    )
    assert current_version(app, Finding, finding.id) in {"1", "2"}


def test_invalid_utf8_in_a_form_post_is_refused_or_saved_cleanly(app, officer, poster):
    """Bytes that are not UTF-8 never cause a server error, and come back escaped."""
    meeting_kind(app)
    poster.sign_in(officer)
    poster.refresh_token("/meetings/new")
    body = (
        f"csrf_token={poster.token}&kind=1&held_on=5&held_on=6&held_on=2023"
        "&title=%C0%AF%ED%A0%80%FF%FE%3Cscript%3E&themes=%E2%82&chair=%F0%9F"
    ).encode()
    response = poster.client.post(
        "/meetings/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    page = poster.client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        titles = db.session.scalars(db.select(Meeting.title)).all()
    assert len(titles) == 1
    assert titles[0].endswith("<script>")
    assert titles[0] not in page
    assert str(escape(titles[0])) in page
