"""Each action rule's message reaches the field it belongs to: on the form and from the
services (as a RuleError naming the field). tests/imports/test_rule_messages.py shows the
import reporting the same messages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.actions.test_views import action_fields, count_actions
from tests.factories import make_action
from tracker.actions import rules, services
from tracker.actions.models import Action, Marking
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.errors import RuleError

ERROR_RE = re.compile(r'<p id="([^"]+)-error" class="govuk-error-message">(.*?)</p>', re.S)


def field_errors(html: str) -> dict[str, str]:
    """{field id: its error message} as the GOV.UK error message blocks show them."""
    return {
        field: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).replace("Error:", "").strip()
        for field, text in ERROR_RE.findall(html)
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"due_on": ["1", "1", "2023"]}, "due_on", rules.DUE_BEFORE_RAISED),
        ({"opcc_only": "y"}, "opcc_only", rules.FORCE_OWNED_OPCC_ONLY),
    ],
)
def test_new_action_form_shows_the_rule_on_its_field(
    app, login_as, officer, liaison, meeting, post_form, overrides, field, message
):
    login_as(officer)
    response = post_form(f"/actions/new/meeting/{meeting.id}", action_fields(liaison, **overrides))
    assert response.status_code == 200
    assert field_errors(response.text) == {field: message}
    assert count_actions(app) == 0


def test_edit_form_refuses_making_a_restricted_action_force_owned(
    app, login_as, officer, meeting, post_form
):
    action = make_action(app, meeting, officer, opcc_only=True)
    login_as(officer)
    fields = action_fields(officer, opcc_only="y", version=str(action.version))
    response = post_form(f"/actions/{action.id}/edit", fields)
    assert response.status_code == 200
    assert field_errors(response.text) == {"opcc_only": rules.FORCE_OWNED_OPCC_ONLY}
    with app.app_context():
        assert db.session.get(Action, action.id).owning_organisation == Organisation.OPCC


def test_service_raises_the_rule_with_its_field(app, officer, liaison, meeting):
    with app.app_context():
        details = services.ActionDetails(
            title="Restricted",
            description="",
            owner=db.session.get(User, liaison.id),
            owning_organisation=Organisation.FORCE,
            lead_role="",
            raised_on=date(2023, 6, 5),
            due_on=date(2023, 9, 30),
            marking=Marking.OFFICIAL,
            opcc_only=True,
            opcc_note="",
            tags=[],
        )
        with pytest.raises(services.ActionRuleError) as raised:
            services.create_action(meeting, details, by=db.session.get(User, officer.id))
        assert isinstance(raised.value, RuleError)
        assert raised.value.field == "opcc_only"
        assert raised.value.message == rules.FORCE_OWNED_OPCC_ONLY


def test_service_refuses_deactivated_owner_on_the_owner_field(app, officer, liaison, meeting):
    with app.app_context():
        owner = db.session.get(User, liaison.id)
        owner.active = False
        details = services.ActionDetails(
            title="Owned by a leaver",
            description="",
            owner=owner,
            owning_organisation=Organisation.FORCE,
            lead_role="",
            raised_on=date(2023, 6, 5),
            due_on=date(2023, 9, 30),
            marking=Marking.OFFICIAL,
            opcc_only=False,
            opcc_note="",
            tags=[],
        )
        with pytest.raises(services.ActionRuleError) as raised:
            services.create_action(meeting, details, by=db.session.get(User, officer.id))
        assert raised.value.field == "owner"
        assert "is deactivated" in raised.value.message
