"""Object-level access: a record a user may not see never reaches them, by any route."""

from __future__ import annotations

import pytest

from tests.security.conftest import changed_tables, snapshot
from tests.security.readers import text_of
from tests.security.world import (
    INTERNAL_FILE_NAME,
    INTERNAL_UPDATE_TEXT,
    NORMAL_TITLE,
    PUBLISHED_PANEL_ACTION,
    PUBLISHED_PANEL_TEXT,
    RESTRICTED_NOTE,
    RESTRICTED_TITLE,
    UNPUBLISHED_MEETING_ACTION,
    UNPUBLISHED_MEETING_TITLE,
    UNPUBLISHED_PANEL_ACTION,
    UNPUBLISHED_PANEL_TEXT,
    World,
)

# Every list, export and report a signed-in user can open, with and without filters.
READ_EVERYWHERE = [
    "/",
    "/actions/",
    "/actions/?q=Quillfeather",
    "/actions/?q=Tamberlane",
    "/actions/dashboard",
    "/actions/export.csv",
    "/actions/export.xlsx",
    "/actions/export.csv?q=Quillfeather",
    "/meetings/",
    "/panel/",
    "/requests/",
    "/hmicfrs/",
    "/reports/",
    "/reports/panel",
    "/reports/panel.pdf",
    "/reports/panel?status=outstanding",
    "/reports/hmicfrs",
    "/reports/hmicfrs.pdf",
    "/reports/actions",
    "/reports/actions.pdf",
    "/reports/actions?q=Quillfeather",
    "/reports/jobs",
    *(
        f"/reports/export/{kind}.{fmt}"
        for kind in ("meetings", "adhoc_requests", "panel_items", "findings")
        for fmt in ("csv", "xlsx")
    ),
]


def _read(world: World, identity: str, url: str):
    response = world.client(identity).get(url)
    assert response.status_code < 500, url
    return response


def _refused(response) -> bool:
    return response.status_code in (403, 404)


def test_force_liaison_never_reaches_an_opcc_only_action(app, world):
    ids = world.ids
    refused = [
        f"/actions/{ids['restricted']}",
        f"/actions/{ids['restricted']}/edit",
        f"/actions/updates/{ids['restricted_update']}/edit",
        "/audit/",
        f"/audit/?entity_type=action&actor={world.users['opcc_officer'].id}",
        "/reminders/outbox",
        f"/reminders/outbox/{ids['message']}",
    ]
    readable = [
        f"/meetings/{ids['meeting']}",
        f"/reports/meetings/{ids['later_meeting']}",
        f"/reports/meetings/{ids['later_meeting']}.pdf",
        "/reminders/preferences",
        *READ_EVERYWHERE,
    ]
    leaks = []
    for url in refused + readable:
        response = _read(world, "force_liaison", url)
        body = text_of(response)
        if RESTRICTED_TITLE in body or RESTRICTED_NOTE in body:
            leaks.append(url)
        if url in refused and not _refused(response):
            leaks.append(f"{url} answered {response.status_code}")
    assert leaks == []
    # The control: the force does see its own action in the same report.
    matters = text_of(
        _read(world, "force_liaison", f"/reports/meetings/{ids['later_meeting']}.pdf")
    )
    assert NORMAL_TITLE in matters


def test_opcc_staff_do_see_the_restricted_action_everywhere_it_belongs(world):
    """The control for the test above: the same pages do show it to the OPCC."""
    restricted = world.ids["restricted"]
    for url in (
        f"/actions/{restricted}",
        "/actions/export.csv",
        "/actions/export.xlsx",
        f"/reports/meetings/{world.ids['later_meeting']}",
        f"/reports/meetings/{world.ids['later_meeting']}.pdf",
        "/reports/actions.pdf",
        "/audit/",
    ):
        assert RESTRICTED_TITLE in text_of(_read(world, "opcc_officer", url)), url
    assert RESTRICTED_TITLE in text_of(_read(world, "admin", "/reminders/outbox"))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/actions/{restricted}/status", {"target": "in_progress", "note": "x", "version": "1"}),
        ("/actions/{restricted}/updates", {"text": "Force update on restricted"}),
        (
            "/actions/{restricted}/extensions",
            {
                "proposed_due_on-day": "1",
                "proposed_due_on-month": "1",
                "proposed_due_on-year": "2030",
                "reason": "More time",
            },
        ),
        ("/actions/{restricted}/edit", {"title": "Changed by the force", "version": "1"}),
        ("/actions/extensions/{restricted_extension}/decision", {"decision": "approve"}),
        ("/actions/updates/{restricted_update}/edit", {"text": "Rewritten"}),
    ],
)
def test_force_liaison_cannot_change_an_opcc_only_action(app, world, path, data):
    url = path.format(**world.ids)
    before = snapshot(app)
    response = world.client("force_liaison").post(
        url, data={"csrf_token": world.csrf["force_liaison"], **data}
    )
    assert _refused(response)
    assert RESTRICTED_TITLE not in response.text
    assert changed_tables(before, snapshot(app)) == []


def test_force_liaison_never_sees_opcc_only_updates_or_notes(world):
    normal = world.ids["normal"]
    page = _read(world, "force_liaison", f"/actions/{normal}")
    assert page.status_code == 200
    assert INTERNAL_UPDATE_TEXT not in page.text
    export = text_of(_read(world, "force_liaison", "/actions/export.csv"))
    assert INTERNAL_UPDATE_TEXT not in export
    editing = _read(world, "force_liaison", f"/actions/updates/{world.ids['internal_update']}/edit")
    assert editing.status_code == 404
    assert INTERNAL_UPDATE_TEXT not in editing.text
    # The control: OPCC staff see the internal update on the same page.
    assert INTERNAL_UPDATE_TEXT in _read(world, "opcc_officer", f"/actions/{normal}").text


@pytest.mark.parametrize("which", ["internal_attachment", "restricted_attachment"])
def test_force_liaison_never_reaches_a_file_on_an_opcc_only_update_or_action(world, which):
    attachment_id = world.ids[which]
    for path in (f"/attachments/{attachment_id}", f"/attachments/{attachment_id}/replace"):
        response = _read(world, "force_liaison", path)
        assert response.status_code == 404, path
        assert b"%PDF" not in response.data
    page = _read(world, "force_liaison", f"/actions/{world.ids['normal']}").text
    assert INTERNAL_FILE_NAME not in page
    # The control: OPCC staff download both, and see the internal one on the action page.
    assert _read(world, "opcc_officer", f"/attachments/{attachment_id}").status_code == 200
    assert (
        INTERNAL_FILE_NAME in _read(world, "opcc_officer", f"/actions/{world.ids['normal']}").text
    )


def test_force_liaison_opens_sources_without_force_actions_and_sees_nothing_restricted(app, world):
    """The force sees every meeting (future and unpublished too), ad-hoc request and
    HMICFRS report addressed to it (national ones the OPCC marked as applying), even where
    its only action is OPCC-only, and never that action, its note or its updates."""
    from datetime import timedelta

    from tests.factories import (
        london_today,
        make_action,
        make_adhoc_request,
        make_finding,
        make_meeting,
        make_report,
    )
    from tracker.actions.models import ActionUpdate
    from tracker.db import db
    from tracker.sources.models import ReportScope

    officer = world.users["opcc_officer"]
    meeting = make_meeting(
        app,
        title="Future meeting Ravensholt",
        published=False,
        held_on=london_today() + timedelta(days=20),
    )
    adhoc = make_adhoc_request(app, subject="Request Silverbirch")
    report = make_report(
        app,
        title="National report Cobblestone",
        scope=ReportScope.NATIONAL,
        applies_to_force=True,
    )
    finding = make_finding(app, report, text="Finding Dunnock")
    empty_meeting = make_meeting(app, title="Next meeting Kestrel", held_on=london_today())
    empty_report = make_report(
        app, title="National report Mistletoe", scope=ReportScope.NATIONAL, applies_to_force=True
    )
    elsewhere = make_report(app, title="National report Hawthorn", scope=ReportScope.NATIONAL)
    secrets = (RESTRICTED_TITLE, RESTRICTED_NOTE, INTERNAL_UPDATE_TEXT)
    for source in (meeting, adhoc, finding):
        action = make_action(
            app, source, officer, title=RESTRICTED_TITLE, opcc_only=True, opcc_note=RESTRICTED_NOTE
        )
        with app.app_context():
            db.session.add(
                ActionUpdate(action_id=action.id, author_id=officer.id, text=INTERNAL_UPDATE_TEXT)
            )
            db.session.commit()
    pages = {
        f"/meetings/{meeting.id}": meeting.title,
        f"/meetings/{empty_meeting.id}": empty_meeting.title,
        f"/requests/{adhoc.id}": adhoc.subject,
        f"/hmicfrs/{report.id}": "Finding Dunnock",
        f"/hmicfrs/{empty_report.id}": empty_report.title,
        "/meetings/": meeting.title,
        "/requests/": adhoc.subject,
        "/hmicfrs/": report.title,
    }
    for url, shown in pages.items():
        response = _read(world, "force_liaison", url)
        assert response.status_code == 200, url
        assert shown in response.text, url
        assert [secret for secret in secrets if secret in response.text] == [], url
        assert "History" not in response.text, url
    # A national report the OPCC has not marked as applying is not addressed to the force.
    assert _read(world, "force_liaison", f"/hmicfrs/{elsewhere.id}").status_code == 404
    assert elsewhere.title not in _read(world, "force_liaison", "/hmicfrs/").text
    # The control: OPCC staff see the restricted action on the same pages.
    for url in (f"/meetings/{meeting.id}", f"/requests/{adhoc.id}", f"/hmicfrs/{report.id}"):
        assert RESTRICTED_TITLE in _read(world, "opcc_officer", url).text, url


def test_panel_clerk_sees_only_published_panel_items_and_meetings(world):
    ids = world.ids
    for url in (
        f"/panel/{ids['unpublished_item']}",
        f"/actions/{ids['hidden_panel_action']}",
        f"/meetings/{ids['hidden_meeting']}",
        f"/actions/{ids['hidden_meeting_action']}",
        f"/reports/meetings/{ids['hidden_meeting']}",
        f"/reports/meetings/{ids['hidden_meeting']}.pdf",
        f"/requests/{ids['adhoc']}",
    ):
        response = _read(world, "panel_clerk", url)
        assert response.status_code == 404, url
    hidden = (
        UNPUBLISHED_PANEL_TEXT,
        UNPUBLISHED_PANEL_ACTION,
        UNPUBLISHED_MEETING_TITLE,
        UNPUBLISHED_MEETING_ACTION,
        RESTRICTED_TITLE,
    )
    leaks = [
        (url, secret)
        for url in READ_EVERYWHERE
        for secret in hidden
        if secret in text_of(_read(world, "panel_clerk", url))
    ]
    assert leaks == []


def test_panel_clerk_reports_include_published_items(world):
    """The control: published Panel items and their actions are in the clerk's reports."""
    for url in ("/reports/panel", "/reports/panel.pdf", "/panel/"):
        assert PUBLISHED_PANEL_TEXT in text_of(_read(world, "panel_clerk", url)), url
    assert PUBLISHED_PANEL_ACTION in text_of(_read(world, "panel_clerk", "/reports/panel.pdf"))
    # OPCC staff see the unpublished item that the clerk does not.
    assert UNPUBLISHED_PANEL_TEXT in text_of(_read(world, "opcc_officer", "/reports/panel"))


def test_deactivated_user_is_signed_out_at_the_next_request(app, world):
    client = world.client("deactivated")
    for url in ("/", "/admin/users/", "/actions/export.csv", "/reports/panel.pdf"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


def test_reactivation_does_not_revive_the_old_session(app, world, make_user):
    """Deactivating and reactivating through the service ends the sessions for good."""
    admin, officer = world.client("admin"), world.client("opcc_officer")
    target = world.users["opcc_officer"].id
    assert officer.get("/").status_code == 200
    for verb in ("deactivate", "reactivate"):
        response = admin.post(
            f"/admin/users/{target}/{verb}", data={"csrf_token": world.csrf["admin"]}
        )
        assert response.status_code == 302
    response = officer.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
