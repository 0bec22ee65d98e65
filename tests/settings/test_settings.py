"""Settings and reference lists: who may reach them, changing values, managing tags."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import make_action, make_meeting
from tracker.actions.models import Action, action_tags
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.db import db
from tracker.settings.definitions import AMBER_DAYS, OPCC_LEAD_EMAIL
from tracker.settings.models import Setting, Tag, TagList
from tracker.settings.services import get_setting, seed_reference_lists, setting

HEREFORDSHIRE = "Herefordshire"


def make_tag(app, name: str = HEREFORDSHIRE, tag_list: TagList = TagList.LOCAL_AREA, **fields):
    with app.app_context():
        tag = Tag(tag_list=tag_list, name=name, **fields)
        db.session.add(tag)
        db.session.commit()
        db.session.refresh(tag)
        db.session.expunge(tag)
        return tag


def tag_actions(app, tag: Tag, *actions: Action) -> None:
    """Give each action the tag (straight into the association table)."""
    with app.app_context():
        db.session.execute(
            action_tags.insert(), [{"action_id": a.id, "tag_id": tag.id} for a in actions]
        )
        db.session.commit()


def load_tag(app, tag_id: int) -> Tag:
    with app.app_context():
        tag = db.session.get(Tag, tag_id)
        db.session.expunge(tag)
        return tag


def tags_named(app, name: str) -> list[Tag]:
    with app.app_context():
        tags = db.session.scalars(select(Tag).where(Tag.name == name)).all()
        for tag in tags:
            db.session.expunge(tag)
        return list(tags)


def setting_in(app, key: str):
    with app.app_context():
        return get_setting(key)


def audit_actions(app, entity_type: str, entity_id: int | None = None) -> list[str]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.entity_type == entity_type)
        if entity_id is not None:
            query = query.where(AuditEvent.entity_id == entity_id)
        return [e.action for e in db.session.scalars(query.order_by(AuditEvent.id))]


def settings_urls(tag_id: int) -> list[str]:
    return [
        "/admin/settings/",
        "/admin/settings/amber_days",
        "/admin/settings/lists/local_area/new",
        f"/admin/settings/tags/{tag_id}/edit",
    ]


def state_change_urls(tag_id: int) -> list[str]:
    return [f"/admin/settings/tags/{tag_id}/retire", f"/admin/settings/tags/{tag_id}/restore"]


# Who may reach the settings ------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OPCC_OFFICER, Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_only_admins_reach_every_settings_url(app, client, login_as, make_user, role):
    tag = make_tag(app)
    login_as(make_user(role))
    token = csrf_token_from(client.get("/").text)
    for url in settings_urls(tag.id):
        assert client.get(url).status_code == 403, url
    for url in [*settings_urls(tag.id)[1:], *state_change_urls(tag.id)]:
        response = client.post(url, data={"csrf_token": token, "value": "7", "name": "Hacked"})
        assert response.status_code == 403, url
    assert load_tag(app, tag.id).active is True
    assert load_tag(app, tag.id).name == HEREFORDSHIRE
    assert setting_in(app, "amber_days") == 14


def test_admin_reaches_every_settings_page(app, client, login_as, admin):
    tag = make_tag(app)
    login_as(admin)
    for url in settings_urls(tag.id):
        assert client.get(url).status_code == 200, url


def test_anonymous_user_is_sent_to_sign_in(app, client):
    tag = make_tag(app)
    for url in settings_urls(tag.id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


# Settings ------------------------------------------------------------------------------


def test_index_lists_every_setting_with_its_value_and_a_change_link(client, login_as, admin):
    login_as(admin)
    page = client.get("/admin/settings/").text
    assert "Amber warning (days before due)" in page
    assert "Working days" in page  # the label of the default choice, not its key
    for key in ("amber_days", "adhoc_response_period", "adhoc_response_unit"):
        assert f'href="/admin/settings/{key}"' in page
    assert "update_grace_minutes" in page


def test_admin_changes_amber_days_and_it_is_audited(app, client, login_as, post_form, admin):
    login_as(admin)
    response = post_form("/admin/settings/amber_days", {"value": "7"})
    assert response.status_code == 302
    assert setting_in(app, "amber_days") == 7
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "setting")
        ).one()
        assert event.changes == {"amber_days": [14, 7]}
        assert event.actor_id == admin.id
    assert "Setting saved" in client.get(response.headers["Location"]).text


def test_the_form_shows_the_current_value(app, client, login_as, post_form, admin):
    login_as(admin)
    post_form("/admin/settings/amber_days", {"value": "21"})
    page = client.get("/admin/settings/amber_days").text
    assert 'value="21"' in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize("value", ["366", "-1"])
def test_out_of_range_value_is_refused_and_nothing_changes(app, login_as, post_form, admin, value):
    login_as(admin)
    response = post_form("/admin/settings/amber_days", {"value": value})
    assert response.status_code == 200
    assert "Must be between 0 and 365" in response.text
    assert setting_in(app, "amber_days") == 14
    assert audit_actions(app, "setting") == []


@pytest.mark.parametrize("value", ["seven", "7.5", "", "1e3", "٣"])
def test_non_numeric_value_is_refused_and_nothing_changes(app, login_as, post_form, admin, value):
    login_as(admin)
    response = post_form("/admin/settings/amber_days", {"value": value})
    assert response.status_code == 200
    assert "Enter a whole number" in response.text
    assert "Error:" in response.text  # the page title says so too
    assert setting_in(app, "amber_days") == 14


def test_unknown_setting_key_is_not_found(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/settings/no_such_setting").status_code == 404


def test_choice_setting_shows_radios_and_accepts_a_choice(app, client, login_as, post_form, admin):
    login_as(admin)
    page = client.get("/admin/settings/adhoc_response_unit").text
    assert 'type="radio"' in page
    response = post_form("/admin/settings/adhoc_response_unit", {"value": "calendar_days"})
    assert response.status_code == 302
    assert setting_in(app, "adhoc_response_unit") == "calendar_days"
    assert "Calendar days" in client.get("/admin/settings/").text


@pytest.mark.parametrize("value", ["fortnights", "7"])
def test_choice_setting_refuses_anything_but_its_choices(app, login_as, post_form, admin, value):
    login_as(admin)
    response = post_form("/admin/settings/adhoc_response_unit", {"value": value})
    assert response.status_code == 200
    assert "Select one of the options" in response.text
    assert setting_in(app, "adhoc_response_unit") == "working_days"


# Reference lists -----------------------------------------------------------------------


def test_index_shows_each_list_with_usage_counts(app, client, login_as, admin, officer):
    used = make_tag(app, "Shropshire")
    make_tag(app, "Telford and Wrekin")
    meeting = make_meeting(app)
    actions = [make_action(app, meeting, officer, meeting_item_no=n) for n in (1, 2)]
    tag_actions(app, used, *actions)
    login_as(admin)
    page = client.get("/admin/settings/").text
    for tag_list in TagList:
        assert tag_list.label in page
        assert f'href="/admin/settings/lists/{tag_list.value}/new"' in page
    row = page.split("Shropshire</th>", 1)[1].split("</tr>", 1)[0]
    assert ">2</td>" in row
    other = page.split("Telford and Wrekin</th>", 1)[1].split("</tr>", 1)[0]
    assert ">0</td>" in other


def test_admin_adds_a_tag_and_it_is_audited(app, client, login_as, post_form, admin):
    login_as(admin)
    response = post_form("/admin/settings/lists/local_area/new", {"name": "  Herefordshire  "})
    assert response.status_code == 302
    [tag] = tags_named(app, HEREFORDSHIRE)
    assert tag.tag_list == TagList.LOCAL_AREA
    assert tag.active is True
    assert audit_actions(app, "tag", tag.id) == ["created"]
    assert HEREFORDSHIRE in client.get(response.headers["Location"]).text


def test_unknown_list_is_not_found(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/settings/lists/no_such_list/new").status_code == 404


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name"),
        ("   ", "Enter a name"),
        ("x" * 121, "Name must be 120 characters or fewer"),
        ("Here\nfordshire", "Name must not contain control characters"),
    ],
)
def test_bad_tag_names_are_refused(app, login_as, post_form, admin, name, message):
    login_as(admin)
    response = post_form("/admin/settings/lists/local_area/new", {"name": name})
    assert response.status_code == 200
    assert message in response.text
    with app.app_context():
        assert db.session.scalars(select(Tag)).all() == []


def test_duplicate_tag_name_is_refused_ignoring_case(app, login_as, post_form, admin):
    make_tag(app, HEREFORDSHIRE)
    login_as(admin)
    response = post_form("/admin/settings/lists/local_area/new", {"name": "HEREFORDSHIRE"})
    assert response.status_code == 200
    assert "“Herefordshire” is already in this list" in response.text
    with app.app_context():
        assert len(db.session.scalars(select(Tag)).all()) == 1


def test_same_name_is_allowed_in_another_list(app, login_as, post_form, admin):
    make_tag(app, "Reduce serious violence", TagList.NATIONAL_PRIORITY)
    login_as(admin)
    response = post_form(
        "/admin/settings/lists/plan_objective/new", {"name": "Reduce serious violence"}
    )
    assert response.status_code == 302
    assert len(tags_named(app, "Reduce serious violence")) == 2


def test_admin_renames_a_tag_and_it_is_audited(app, client, login_as, post_form, admin):
    tag = make_tag(app, "Hereforshire")
    login_as(admin)
    response = post_form(f"/admin/settings/tags/{tag.id}/edit", {"name": HEREFORDSHIRE})
    assert response.status_code == 302
    assert load_tag(app, tag.id).name == HEREFORDSHIRE
    assert audit_actions(app, "tag", tag.id) == ["renamed"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "tag", AuditEvent.entity_id == tag.id
            )
        ).one()
        assert event.changes == {"name": ["Hereforshire", HEREFORDSHIRE]}
    assert "Hereforshire" in client.get(f"/admin/settings/tags/{tag.id}/edit").text  # history


def test_renaming_to_another_tags_name_is_refused(app, login_as, post_form, admin):
    make_tag(app, HEREFORDSHIRE)
    tag = make_tag(app, "Shropshire")
    login_as(admin)
    response = post_form(f"/admin/settings/tags/{tag.id}/edit", {"name": "herefordshire"})
    assert response.status_code == 200
    assert "is already in this list" in response.text
    assert load_tag(app, tag.id).name == "Shropshire"
    assert audit_actions(app, "tag") == []


def test_changing_only_the_case_of_a_tags_own_name_is_allowed(app, login_as, post_form, admin):
    tag = make_tag(app, "herefordshire")
    login_as(admin)
    response = post_form(f"/admin/settings/tags/{tag.id}/edit", {"name": HEREFORDSHIRE})
    assert response.status_code == 302
    assert load_tag(app, tag.id).name == HEREFORDSHIRE


def test_unknown_tag_is_not_found(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/settings/tags/999/edit").status_code == 404


def test_retire_then_restore_a_tag_with_audit_events(app, client, login_as, post_form, admin):
    tag = make_tag(app)
    login_as(admin)
    response = post_form(f"/admin/settings/tags/{tag.id}/retire", form_page="/admin/settings/")
    assert response.status_code == 302
    assert load_tag(app, tag.id).active is False
    page = client.get("/admin/settings/").text
    assert "Retired" in page
    assert f'action="/admin/settings/tags/{tag.id}/restore"' in page
    post_form(f"/admin/settings/tags/{tag.id}/restore", form_page="/admin/settings/")
    assert load_tag(app, tag.id).active is True
    assert audit_actions(app, "tag", tag.id) == ["retired", "restored"]


def test_retiring_keeps_the_tag_on_its_actions(app, login_as, post_form, admin, officer):
    tag = make_tag(app)
    action = make_action(app, make_meeting(app), officer)
    tag_actions(app, tag, action)
    login_as(admin)
    post_form(f"/admin/settings/tags/{tag.id}/retire", form_page="/admin/settings/")
    assert load_tag(app, tag.id).active is False
    with app.app_context():
        rows = db.session.execute(select(action_tags.c.action_id, action_tags.c.tag_id)).all()
    assert [tuple(row) for row in rows] == [(action.id, tag.id)]


def test_retire_is_post_only(app, client, login_as, admin):
    tag = make_tag(app)
    login_as(admin)
    assert client.get(f"/admin/settings/tags/{tag.id}/retire").status_code == 405
    assert load_tag(app, tag.id).active is True


def test_retire_without_a_csrf_token_is_refused(app, client, login_as, admin):
    tag = make_tag(app)
    login_as(admin)
    response = client.post(f"/admin/settings/tags/{tag.id}/retire", data={})
    assert response.status_code == 400
    assert load_tag(app, tag.id).active is True
    assert audit_actions(app, "tag") == []


def test_tag_names_are_escaped_in_the_page(app, client, login_as, post_form, admin):
    name = '<script>alert("x")</script>'
    login_as(admin)
    post_form("/admin/settings/lists/local_area/new", {"name": name})
    [tag] = tags_named(app, name)
    for url in ("/admin/settings/", f"/admin/settings/tags/{tag.id}/edit"):
        page = client.get(url).text
        assert name not in page, url
        assert "&lt;script&gt;" in page, url


# Seeding -------------------------------------------------------------------------------


def test_seed_reference_lists_adds_fifteen_then_nothing(app):
    with app.app_context():
        assert seed_reference_lists() == 15
        db.session.commit()
        assert seed_reference_lists() == 0
        db.session.commit()
        counts = {
            tag_list: len(db.session.scalars(select(Tag).where(Tag.tag_list == tag_list)).all())
            for tag_list in TagList
        }
    assert counts == {
        TagList.PLAN_OBJECTIVE: 4,
        TagList.NATIONAL_PRIORITY: 6,
        TagList.LOCAL_AREA: 5,
    }


def test_seed_reference_lists_compares_names_ignoring_case(app):
    make_tag(app, "HEREFORDSHIRE", active=False)
    with app.app_context():
        assert seed_reference_lists() == 14


def test_settings_are_read_with_their_declared_type(app):
    with app.test_request_context():
        db.session.add(Setting(key="amber_days", value="21"))
        db.session.flush()
        assert setting(AMBER_DAYS) == 21
        assert isinstance(setting(AMBER_DAYS), int)
        assert setting(OPCC_LEAD_EMAIL) == ""


def test_an_unreadable_stored_setting_falls_back_to_its_default(app):
    with app.test_request_context():
        db.session.add(Setting(key="amber_days", value="fourteen"))
        db.session.flush()
        assert setting(AMBER_DAYS) == AMBER_DAYS.default == 14
