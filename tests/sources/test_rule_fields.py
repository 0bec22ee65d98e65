"""Each source rule's message reaches the form field it belongs to, and the services
raise it as a RuleError naming that field."""

from __future__ import annotations

from datetime import date

import pytest

from tests.actions.test_rule_fields import field_errors
from tests.factories import make_finding, make_report
from tests.sources.test_hmicfrs import count_findings, finding_data
from tests.sources.test_panel import item_data, panel_item_count
from tracker.auth.models import User
from tracker.db import db
from tracker.errors import RuleError
from tracker.sources import services
from tracker.sources.models import Finding, FindingKind, PanelItem, PanelItemKind


def test_recommendation_without_a_due_date_is_shown_on_the_due_date(
    app, login_as, post_form, clerk
):
    login_as(clerk)
    response = post_form("/panel/new", item_data(kind=PanelItemKind.RECOMMENDATION.value))
    assert response.status_code == 200
    errors = field_errors(response.text)
    assert list(errors) == ["response_due_on"]
    assert "the PCC must respond to a recommendation in writing" in errors["response_due_on"]
    assert panel_item_count(app) == 0


def test_panel_response_due_before_the_meeting_is_shown_on_the_due_date(
    app, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/panel/new", item_data(response_due_on=["26", "7", "2023"]))
    assert list(field_errors(response.text)) == ["response_due_on"]
    assert panel_item_count(app) == 0


def test_finding_parent_that_is_not_a_cause_is_shown_on_the_parent(
    app, login_as, post_form, officer
):
    report = make_report(app)
    recommendation = make_finding(app, report, reference="R1")
    login_as(officer)
    response = post_form(
        f"/hmicfrs/{report.id}/findings/new",
        finding_data(reference="R2", parent_id=str(recommendation.id)),
    )
    assert field_errors(response.text) == {"parent_id": "R1 is not a cause of concern"}
    assert count_findings(app) == 1


def test_cause_of_concern_under_another_is_shown_on_the_parent(app, login_as, post_form, officer):
    report = make_report(app)
    cause = make_finding(app, report, reference="CoC1", kind=FindingKind.CAUSE_OF_CONCERN)
    login_as(officer)
    response = post_form(
        f"/hmicfrs/{report.id}/findings/new",
        finding_data(kind="cause_of_concern", reference="CoC2", parent_id=str(cause.id)),
    )
    assert field_errors(response.text) == {
        "parent_id": "A cause of concern cannot belong to another cause of concern"
    }
    assert count_findings(app) == 1


def test_source_service_raises_the_rule_with_its_field(app, officer):
    report = make_report(app)
    afi = make_finding(app, report, reference="AFI1", kind=FindingKind.AREA_FOR_IMPROVEMENT)
    with app.app_context():
        fields = {
            "report_id": report.id,
            "reference": "R9",
            "kind": FindingKind.RECOMMENDATION,
            "text": "The force should",
            "parent_id": afi.id,
        }
        by = db.session.get(User, officer.id)
        with pytest.raises(services.SourceRuleError) as raised:
            services.create_source(Finding, fields, by=by)
    assert isinstance(raised.value, RuleError)
    assert raised.value.field == "parent_id"
    assert raised.value.message == "AFI1 is not a cause of concern"


def test_panel_service_refuses_a_response_without_its_date(app, officer):
    with app.app_context():
        fields = {
            "panel_meeting_on": date(2023, 7, 27),
            "kind": PanelItemKind.INFORMATION,
            "text": "How many officers?",
            "pcc_response": "Answered",
            "pcc_response_on": None,
        }
        by = db.session.get(User, officer.id)
        with pytest.raises(services.SourceRuleError) as raised:
            services.create_source(PanelItem, fields, by=by)
    assert raised.value.field == "pcc_response_on"
