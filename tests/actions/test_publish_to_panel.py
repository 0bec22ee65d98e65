"""The Panel scrutinises the PCC, not the force: it sees force actions only when published.

An OFFICIAL-SENSITIVE force action on an HMICFRS vetting report stays hidden from the
Panel clerk everywhere (its page, the list, the home page, search, exports) until the
OPCC publishes it to the Panel; withdrawing it hides it again.
"""

from __future__ import annotations

import re

from tests.conftest import csrf_token_from
from tests.factories import make_action, make_finding, make_meeting, make_report
from tracker.actions.models import Action, Marking
from tracker.db import db

VETTING = "Vetting backlog recovery plan"


def vetting_action(app, owner) -> Action:
    report = make_report(app, code="VET24", title="An inspection of vetting and misconduct")
    finding = make_finding(app, report)
    return make_action(app, finding, owner, title=VETTING, marking=Marking.OFFICIAL_SENSITIVE)


def clerk_sees(client, action: Action) -> dict[str, bool]:
    pages = {
        "page": client.get(f"/actions/{action.id}"),
        "list": client.get("/actions/"),
        "home": client.get("/"),
        "search": client.get("/search?q=vetting"),
        "export": client.get("/actions/export.csv"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 404), (name, response.status_code)
    return {
        name: response.status_code == 200 and VETTING in response.text
        for name, response in pages.items()
    }


def publish(client, action_id: int, value: str):
    page = client.get(f"/actions/{action_id}")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text)
    return client.post(
        f"/actions/{action_id}/panel",
        data={
            "csrf_token": csrf_token_from(page.text),
            "publish": value,
            "version": version.group(1) if version else "",
        },
    )


def test_a_sensitive_force_action_is_hidden_from_the_clerk_until_published(
    app, client, auth, login_as, officer, liaison, clerk
):
    action = vetting_action(app, liaison)

    login_as(clerk)
    assert clerk_sees(client, action) == dict.fromkeys(
        ("page", "list", "home", "search", "export"), False
    )
    auth.logout()

    login_as(officer)
    page = client.get(f"/actions/{action.id}")
    assert "Not published to the Panel" in page.text
    response = publish(client, action.id, "yes")
    assert response.status_code == 302
    assert "Published to the Panel" in client.get(f"/actions/{action.id}").text
    history = client.get(f"/actions/{action.id}").text
    assert "Published to panel" in history
    auth.logout()

    login_as(clerk)
    seen = clerk_sees(client, action)
    assert seen["page"]
    assert seen["list"]
    assert seen["export"]
    auth.logout()

    login_as(officer)
    assert publish(client, action.id, "no").status_code == 302
    auth.logout()
    login_as(clerk)
    assert client.get(f"/actions/{action.id}").status_code == 404


def test_a_stale_publish_is_refused_and_changes_nothing(app, client, login_as, officer, liaison):
    action = vetting_action(app, liaison)
    login_as(officer)
    page = client.get(f"/actions/{action.id}")
    with app.app_context():
        stored = db.session.get(Action, action.id)
        stored.title = "Changed meanwhile"
        db.session.commit()
    response = client.post(
        f"/actions/{action.id}/panel",
        data={
            "csrf_token": csrf_token_from(page.text),
            "publish": "yes",
            "version": str(action.version),
        },
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Action, action.id).published_to_panel is False


def test_the_force_and_the_clerk_cannot_publish(app, client, auth, login_as, liaison, clerk):
    meeting = make_meeting(app, published=True)
    action = make_action(app, meeting, liaison)
    for user in (liaison, clerk):
        login_as(user)
        page = client.get(f"/actions/{action.id}")
        assert page.status_code == 200
        assert "Publish to the Panel" not in page.text
        response = client.post(
            f"/actions/{action.id}/panel",
            data={"csrf_token": csrf_token_from(page.text), "publish": "yes", "version": "1"},
        )
        assert response.status_code == 403
        auth.logout()
    with app.app_context():
        assert db.session.get(Action, action.id).published_to_panel is False
