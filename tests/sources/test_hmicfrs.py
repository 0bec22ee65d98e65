"""HMICFRS reports and findings: recording, the s.55 deadline, findings and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_action, make_finding, make_report
from tracker.db import db
from tracker.sources.models import Finding, FindingKind, HmicfrsReport, ReportScope

S55_EXPLANATION = (
    "Publication date 15 June 2022 plus 55 days: the 56 days beginning with the day of "
    "publication (Police Act 1996, s.55)"
)


def report_data(**overrides) -> dict:
    data = {
        "code": "PEEL22",
        "title": "PEEL 2021/22: an inspection of West Mercia Police",
        "report_type": "peel",
        "scope": "force",
        "published_on": ["15", "6", "2022"],
    }
    data.update(overrides)
    return data


def finding_data(**overrides) -> dict:
    data = {
        "kind": "recommendation",
        "reference": "R1",
        "text": "The force should improve how it answers 999 calls",
        "parent_id": "",
        "inspectorate_status": "awaiting_review",
    }
    data.update(overrides)
    return data


def load_report(app, report_id: int) -> HmicfrsReport:
    with app.app_context():
        report = db.session.get(HmicfrsReport, report_id)
        db.session.expunge(report)
        return report


def count_reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(HmicfrsReport.id)))


def count_findings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Finding.id)))


def test_officer_records_peel_report_and_sees_s55_due_date_with_explanation(
    app, client, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/hmicfrs/new", report_data(), follow_redirects=True)
    assert response.status_code == 200
    page = response.text
    assert "PEEL 2021/22: an inspection of West Mercia Police" in page
    assert "9 August 2022" in page
    assert f'<span class="app-explanation">{S55_EXPLANATION}</span>' in page
    with app.app_context():
        report = db.session.scalar(select(HmicfrsReport))
        assert report.pcc_comments_due_on == date(2022, 8, 9)


def test_report_published_31_january_2023_is_due_27_march_2023(
    app, client, login_as, post_form, officer
):
    login_as(officer)
    post_form("/hmicfrs/new", report_data(published_on=["31", "1", "2023"]))
    with app.app_context():
        report = db.session.scalar(select(HmicfrsReport))
        assert report.pcc_comments_due_on == date(2023, 3, 27)
    assert "27 March 2023" in client.get(f"/hmicfrs/{report.id}").text


def test_changing_the_publication_date_recomputes_the_due_date(
    app, client, login_as, post_form, officer
):
    report = make_report(app, code="PEEL22")
    login_as(officer)
    response = post_form(
        f"/hmicfrs/{report.id}/edit",
        report_data(published_on=["31", "1", "2023"], version=str(report.version)),
    )
    assert response.status_code == 302
    assert load_report(app, report.id).pcc_comments_due_on == date(2023, 3, 27)


def test_due_date_cannot_be_typed_in(app, client, login_as, post_form, officer):
    login_as(officer)
    post_form("/hmicfrs/new", report_data(pcc_comments_due_on=["1", "1", "2030"]))
    with app.app_context():
        report = db.session.scalar(select(HmicfrsReport))
        assert report.pcc_comments_due_on == date(2022, 8, 9)


def test_duplicate_code_is_refused_and_nothing_saved(app, client, login_as, post_form, officer):
    make_report(app, code="PEEL22")
    login_as(officer)
    response = post_form("/hmicfrs/new", report_data(code="peel22"))
    assert response.status_code == 200
    assert "Code peel22 is already used" in response.text
    assert "There is a problem" in response.text
    assert count_reports(app) == 1


def test_comments_published_before_publication_are_refused(
    app, client, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/hmicfrs/new", report_data(comments_published_on=["14", "6", "2022"]))
    assert response.status_code == 200
    assert "must be the same as or after the publication date" in response.text
    assert count_reports(app) == 0


def test_comments_link_must_be_a_web_address(app, client, login_as, post_form, officer):
    login_as(officer)
    response = post_form("/hmicfrs/new", report_data(comments_url="javascript:alert(1)"))
    assert "Enter a full web address, starting https://" in response.text
    assert count_reports(app) == 0


def test_impossible_date_gives_the_error_summary_and_saves_nothing(
    app, client, login_as, post_form, officer
):
    login_as(officer)
    response = post_form("/hmicfrs/new", report_data(published_on=["31", "2", "2023"]))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Publication date must be a real date" in response.text
    assert count_reports(app) == 0


def test_recommendation_under_a_cause_of_concern_shows_under_it(
    app, client, login_as, post_form, officer
):
    report = make_report(app)
    other = make_finding(app, report, reference="AFI1", kind=FindingKind.AREA_FOR_IMPROVEMENT)
    login_as(officer)
    url = f"/hmicfrs/{report.id}/findings/new"
    response = post_form(
        url,
        finding_data(
            kind="cause_of_concern", reference="CoC1", text="Crimes are not recorded well"
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        cause = db.session.scalar(select(Finding).where(Finding.reference == "CoC1"))
    assert response.headers["Location"].endswith(f"#finding-{cause.id}")
    response = post_form(url, finding_data(reference="R1", parent_id=str(cause.id)))
    assert response.status_code == 302
    page = client.get(f"/hmicfrs/{report.id}").text
    cause_at = page.index(f'id="finding-{cause.id}"')
    with app.app_context():
        recommendation = db.session.scalar(select(Finding).where(Finding.reference == "R1"))
        assert recommendation.parent_id == cause.id
    assert cause_at < page.index(f'id="finding-{recommendation.id}"')
    assert page.index(f'id="finding-{recommendation.id}"') < page.index(
        "Recommendations and areas for improvement"
    )
    assert page.index("Recommendations and areas for improvement") < page.index(
        f'id="finding-{other.id}"'
    )


def test_parent_that_is_not_a_cause_of_concern_is_refused(
    app, client, login_as, post_form, officer
):
    report = make_report(app)
    recommendation = make_finding(app, report, reference="R1")
    login_as(officer)
    response = post_form(
        f"/hmicfrs/{report.id}/findings/new",
        finding_data(reference="R2", parent_id=str(recommendation.id)),
    )
    assert response.status_code == 200
    assert "R1 is not a cause of concern" in response.text
    assert count_findings(app) == 1


def test_cause_of_concern_in_another_report_is_refused(app, client, login_as, post_form, officer):
    report = make_report(app)
    elsewhere = make_finding(app, make_report(app), kind=FindingKind.CAUSE_OF_CONCERN)
    login_as(officer)
    response = post_form(
        f"/hmicfrs/{report.id}/findings/new", finding_data(parent_id=str(elsewhere.id))
    )
    assert "The cause of concern must be in the same report" in response.text
    assert count_findings(app) == 1


def test_duplicate_finding_reference_in_the_same_report_is_refused(
    app, client, login_as, post_form, officer
):
    report = make_report(app)
    make_finding(app, report, reference="R3")
    login_as(officer)
    response = post_form(f"/hmicfrs/{report.id}/findings/new", finding_data(reference="r3"))
    assert response.status_code == 200
    assert "Reference r3 is already used in this report" in response.text
    assert count_findings(app) == 1


def test_same_finding_reference_in_another_report_is_allowed(
    app, client, login_as, post_form, officer
):
    make_finding(app, make_report(app), reference="R3")
    report = make_report(app)
    login_as(officer)
    response = post_form(f"/hmicfrs/{report.id}/findings/new", finding_data(reference="R3"))
    assert response.status_code == 302
    assert count_findings(app) == 2


def test_officer_changes_a_finding(app, client, login_as, post_form, officer):
    report = make_report(app)
    finding = make_finding(app, report, reference="R3")
    login_as(officer)
    response = post_form(
        f"/hmicfrs/findings/{finding.id}/edit",
        finding_data(reference="R3", inspectorate_status="complete", version="1"),
    )
    assert response.status_code == 302
    page = client.get(f"/hmicfrs/{report.id}").text
    assert "The force should improve how it answers 999 calls" in page
    assert "Complete" in page


def test_stale_report_edit_gets_409_without_overwriting(app, client, login_as, post_form, officer):
    report = make_report(app)
    url = f"/hmicfrs/{report.id}/edit"
    login_as(officer)
    first = post_form(url, report_data(code=report.code, title="First title", version="1"))
    assert first.status_code == 302
    stale = post_form(url, report_data(code=report.code, title="Second title", version="1"))
    assert stale.status_code == 409
    assert "Your changes have not been saved" in stale.text
    assert load_report(app, report.id).title == "First title"


def test_stale_finding_edit_gets_409_without_overwriting(app, client, login_as, post_form, officer):
    finding = make_finding(app, make_report(app), reference="R3")
    url = f"/hmicfrs/findings/{finding.id}/edit"
    login_as(officer)
    first = post_form(url, finding_data(reference="R3", text="First text", version="1"))
    assert first.status_code == 302
    stale = post_form(url, finding_data(reference="R3", text="Second text", version="1"))
    assert stale.status_code == 409
    assert "Your changes have not been saved" in stale.text
    with app.app_context():
        assert db.session.get(Finding, finding.id).text == "First text"


def test_force_liaison_sees_every_finding_and_only_their_actions(
    app, client, login_as, liaison, officer
):
    report = make_report(app)
    shared = make_finding(app, report, text="Shared finding about call handling")
    other = make_finding(app, report, text="Finding with no force action")
    make_action(app, shared, liaison, title="Force action Quarrymoor")
    make_action(app, other, officer, title="OPCC action Saltmarsh")
    make_action(app, other, officer, title="Restricted Thistledown", opcc_only=True)
    login_as(liaison)
    assert report.title in client.get("/hmicfrs/").text
    page = client.get(f"/hmicfrs/{report.id}").text
    assert "Shared finding about call handling" in page
    assert "Finding with no force action" in page
    assert "Force action Quarrymoor" in page
    assert "OPCC action Saltmarsh" not in page
    assert "Restricted Thistledown" not in page
    assert "Add a finding" not in page


@pytest.mark.parametrize(
    ("scope", "applies_to_force"), [(ReportScope.FORCE, False), (ReportScope.NATIONAL, True)]
)
def test_force_liaison_sees_a_report_without_their_actions(
    app, client, login_as, liaison, scope, applies_to_force
):
    """Force-specific reports, and national ones the OPCC marks as applying, are addressed
    to the force: it must see that the Chief Constable's comments are due before any
    action is raised."""
    report = make_report(
        app, scope=scope, applies_to_force=applies_to_force, cc_comments_due_on=date(2022, 7, 20)
    )
    login_as(liaison)
    assert report.title in client.get("/hmicfrs/").text
    response = client.get(f"/hmicfrs/{report.id}")
    assert response.status_code == 200
    assert "20 July 2022" in response.text


def test_force_liaison_does_not_see_a_national_report_not_applying_to_it(
    app, client, login_as, liaison
):
    report = make_report(app, scope=ReportScope.NATIONAL, title="National report Wolfsbane")
    login_as(liaison)
    assert report.title not in client.get("/hmicfrs/").text
    assert client.get(f"/hmicfrs/{report.id}").status_code == 404


def test_panel_clerk_sees_reports_and_all_findings(app, client, login_as, clerk):
    report = make_report(app)
    make_finding(app, report, text="A finding without any actions")
    login_as(clerk)
    assert report.title in client.get("/hmicfrs/").text
    page = client.get(f"/hmicfrs/{report.id}").text
    assert "A finding without any actions" in page
    assert "Add a finding" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/hmicfrs/new",
        "/hmicfrs/{report}/edit",
        "/hmicfrs/{report}/findings/new",
        "/hmicfrs/findings/{finding}/edit",
    ],
)
def test_panel_clerk_cannot_record_or_change(app, client, login_as, clerk, path):
    report = make_report(app)
    finding = make_finding(app, report)
    login_as(clerk)
    assert client.get(path.format(report=report.id, finding=finding.id)).status_code == 403


def test_user_text_is_escaped(app, client, login_as, post_form, officer):
    login_as(officer)
    post_form("/hmicfrs/new", report_data(title="<script>alert('t')</script>"))
    with app.app_context():
        report = db.session.scalar(select(HmicfrsReport))
    post_form(f"/hmicfrs/{report.id}/findings/new", finding_data(text="<b>bold</b> & <i>it</i>"))
    for path in ("/hmicfrs/", f"/hmicfrs/{report.id}"):
        page = client.get(path).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;" in page
    page = client.get(f"/hmicfrs/{report.id}").text
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;it&lt;/i&gt;" in page


def test_index_counts_findings_and_actions_and_flags_overdue_comments(
    app, client, login_as, officer
):
    report = make_report(app, title="Overdue report", published_on=date(2022, 6, 15))
    finding = make_finding(app, report)
    make_finding(app, report)
    make_finding(app, report)
    make_action(app, finding, officer)
    make_action(app, finding, officer)
    login_as(officer)
    page = client.get("/hmicfrs/").text
    assert "Record a report" in page
    assert "Not yet" in page
    assert "Overdue" in page
    numbers = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    assert numbers.format(3) in page
    assert numbers.format(2) in page
