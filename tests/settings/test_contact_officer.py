"""The Panel paper's contact officer: one-line text settings an administrator keeps."""

from __future__ import annotations

import pytest

from tests.reports.helpers import pdf_text
from tracker.settings.services import get_setting


def stored(app, key: str):
    with app.app_context():
        return get_setting(key)


def test_settings_page_lists_the_contact_officer_settings(client, login_as, admin):
    login_as(admin)
    page = client.get("/admin/settings/").text
    for key in (
        "panel_contact_name",
        "panel_contact_role",
        "panel_contact_email",
        "panel_contact_telephone",
    ):
        assert f'href="/admin/settings/{key}"' in page
    assert "Panel paper contact officer" in page


def test_admin_sets_the_contact_officer_and_the_paper_shows_it(
    app, client, login_as, post_form, admin
):
    login_as(admin)
    for key, value in (
        ("panel_contact_name", "  Sam Patel  "),
        ("panel_contact_role", "Scrutiny Officer"),
        ("panel_contact_email", "Sam.Patel@OPCC.example"),
        ("panel_contact_telephone", "+44 1234 567890"),
    ):
        assert post_form(f"/admin/settings/{key}", {"value": value}).status_code == 302
    assert stored(app, "panel_contact_name") == "Sam Patel"
    assert stored(app, "panel_contact_email") == "sam.patel@opcc.example"
    _, text = pdf_text(client.get("/reports/panel.pdf").data)
    for expected in ("Sam Patel", "Scrutiny Officer", "sam.patel@opcc.example", "+44 1234 567890"):
        assert expected in text


def test_the_form_shows_the_current_text(app, client, login_as, post_form, admin):
    login_as(admin)
    post_form("/admin/settings/panel_contact_role", {"value": "Head of Policy"})
    assert 'value="Head of Policy"' in client.get("/admin/settings/panel_contact_role").text


def test_a_contact_officer_setting_may_be_cleared(app, login_as, post_form, admin):
    login_as(admin)
    post_form("/admin/settings/panel_contact_name", {"value": "Sam Patel"})
    assert post_form("/admin/settings/panel_contact_name", {"value": "  "}).status_code == 302
    assert stored(app, "panel_contact_name") == ""


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("panel_contact_name", "x" * 121, "Must be 120 characters or fewer"),
        ("panel_contact_name", "Sam\nPatel", "must not contain control characters"),
        ("panel_contact_role", "Head\tof Policy", "must not contain control characters"),
        ("panel_contact_telephone", "call me", "Enter a telephone number"),
        ("panel_contact_telephone", "01234 \uff15\uff16\uff17", "Enter a telephone number"),
        ("panel_contact_email", "not an email", "Enter an email address"),
    ],
)
def test_bad_contact_officer_values_are_refused(
    app, login_as, post_form, admin, key, value, message
):
    login_as(admin)
    response = post_form(f"/admin/settings/{key}", {"value": value})
    assert response.status_code == 200
    assert message in response.text
    assert stored(app, key) == ""


def test_only_admins_change_the_contact_officer(client, login_as, officer):
    login_as(officer)
    assert client.get("/admin/settings/panel_contact_name").status_code == 403
