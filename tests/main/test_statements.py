"""The accessibility statement and the privacy notice: public, complete, linked everywhere."""

from __future__ import annotations

import pytest

from tracker.db import db
from tracker.settings.definitions import ACCESSIBILITY_CONTACT_EMAIL, DATA_PROTECTION_EMAIL
from tracker.settings.services import set_setting

STATEMENTS = ("/accessibility", "/privacy")


@pytest.mark.parametrize("path", STATEMENTS)
def test_statement_is_public(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "tracker_session" not in response.headers.get("Set-Cookie", "")


def test_accessibility_statement_has_the_sections_the_regulations_ask_for(client):
    page = client.get("/accessibility").text

    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in page, heading
    assert "Equality and Human Rights Commission (EHRC)" in page
    assert "Equality Commission for Northern Ireland (ECNI)" in page
    assert "(No. 2) Accessibility Regulations 2018" in page
    assert "This statement was prepared on 30 November 2026." in page


def test_privacy_notice_says_what_is_held_why_and_for_how_long(client):
    page = client.get("/privacy").text

    for words in (
        "name, work email address, organisation and role",
        "audit trail",
        "names of people in the records",
        "Article 6(1)(e)",
        "How long we keep it",
        "Your rights",
        "Information Commissioner",
    ):
        assert words in page, words


@pytest.mark.parametrize(
    ("path", "definition", "address"),
    [
        ("/accessibility", ACCESSIBILITY_CONTACT_EMAIL, "access@opcc.example.org"),
        ("/privacy", DATA_PROTECTION_EMAIL, "dpo@opcc.example.org"),
    ],
)
def test_contact_address_comes_from_the_settings(app, client, path, definition, address):
    assert address not in client.get(path).text
    with app.test_request_context():
        set_setting(definition.key, address, by=None)
        db.session.commit()

    assert f'href="mailto:{address}"' in client.get(path).text


def _footer_links(html: str) -> str:
    return html.split('<footer class="govuk-footer">', 1)[1]


def test_footer_links_to_both_on_a_public_page(client):
    footer = _footer_links(client.get("/login").text)

    assert 'href="/accessibility">Accessibility statement</a>' in footer
    assert 'href="/privacy">Privacy notice</a>' in footer


def test_footer_links_to_both_on_a_signed_in_page(login_as, officer):
    client = login_as(officer)

    footer = _footer_links(client.get("/").text)

    assert 'href="/accessibility">Accessibility statement</a>' in footer
    assert 'href="/privacy">Privacy notice</a>' in footer
