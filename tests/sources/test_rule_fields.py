"""Each source rule's message reaches the form field it belongs to."""

from __future__ import annotations

from tests.actions.test_rule_fields import field_errors
from tests.factories import make_finding, make_report
from tests.sources.test_hmicfrs import count_findings, finding_data
from tests.sources.test_panel import item_data, panel_item_count
from tracker.sources.models import FindingKind


def test_panel_response_without_a_date_is_shown_on_the_date(app, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/panel/new", item_data(pcc_response="The PCC replied in writing."))
    assert response.status_code == 200
    assert field_errors(response.text) == {
        "pcc_response_on": "Enter the date of the PCC&#39;s response"
    }
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
