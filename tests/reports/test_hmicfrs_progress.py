"""The HMICFRS progress report: findings in order, actions, s.55 dates, visibility."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from tests.factories import make_action, make_finding, make_report
from tracker.sources.models import FindingKind, InspectorateStatus


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_causes_of_concern_come_first_with_their_recommendations(
    app, client, login_as, officer, liaison
):
    report = make_report(
        app,
        title="PEEL 2021/22",
        published_on=date(2022, 6, 15),
        pcc_comments_due_on=date(2022, 8, 9),
        comments_published_on=date(2022, 8, 1),
    )
    afi = make_finding(
        app,
        report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        reference="AFI3",
        text="Use DVPNs better",
        inspectorate_status=InspectorateStatus.SUBMITTED,
    )
    concern = make_finding(
        app,
        report,
        kind=FindingKind.CAUSE_OF_CONCERN,
        reference="CoC1",
        text="Vulnerability not identified",
    )
    rec = make_finding(
        app,
        report,
        kind=FindingKind.RECOMMENDATION,
        reference="R1",
        text="Introduce structured triage",
        parent_id=concern.id,
    )
    make_action(app, rec, liaison, title="Triage in the contact centre")
    make_action(app, afi, liaison, title="Increase DVPN use")
    login_as(officer)
    page = client.get("/reports/hmicfrs").text
    page = page[page.index("<main") :]  # not the random CSP nonce in the page's head
    assert page.index("CoC1") < page.index("R1") < page.index("AFI3")
    assert "Submitted for sign-off" in page
    assert "PCC comments due 9 August 2022 (s.55)" in " ".join(page.split())
    text = pdf_text(client.get(f"/reports/hmicfrs.pdf?report={report.id}"))
    assert "HMICFRS progress report" in text
    assert "Triage in the contact centre" in text
    assert "published 1 August 2022" in text


def test_unpublished_comments_past_due_are_flagged(app, client, login_as, officer):
    make_report(app, published_on=date(2023, 7, 11), pcc_comments_due_on=date(2023, 9, 3))
    login_as(officer)
    assert "not yet published, overdue" in " ".join(client.get("/reports/hmicfrs").text.split())


def test_force_sees_every_finding_but_only_their_actions(app, client, login_as, liaison, officer):
    """Every report is addressed to the force, so all its findings are listed; actions
    follow the action rule (never the OPCC-only ones)."""
    report = make_report(app)
    mine = make_finding(app, report, reference="R1", text="Force finding")
    make_finding(app, report, reference="R2", text="Other finding")
    make_action(app, mine, liaison, title="Force action")
    restricted = make_finding(app, report, reference="R3", text="Restricted finding")
    make_action(app, restricted, officer, title="Restricted action", opcc_only=True)
    login_as(liaison)
    text = pdf_text(client.get("/reports/hmicfrs.pdf"))
    assert "Force finding" in text
    assert "Force action" in text
    assert "Other finding" in text
    assert "Restricted action" not in text


def test_report_argument_that_is_not_a_number_is_ignored(app, client, login_as, officer):
    make_finding(app, make_report(app, title="PEEL 2021/22"), text="Improve call handling")
    login_as(officer)
    response = client.get("/reports/hmicfrs?report=abc")
    assert response.status_code == 200
    assert "Findings and actions" in response.text
    assert "Improve call handling" in response.text


def test_report_argument_naming_no_report_shows_no_findings(app, client, login_as, officer):
    make_finding(app, make_report(app, title="PEEL 2021/22"), text="Improve call handling")
    login_as(officer)
    response = client.get("/reports/hmicfrs?report=99999")
    assert response.status_code == 200
    assert "Improve call handling" not in response.text
    assert "Findings and actions" not in response.text
