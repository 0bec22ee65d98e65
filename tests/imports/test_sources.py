"""Panel items and findings: updates by id or reference, and undoing them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import make_finding, make_panel_item, make_report
from tests.imports.conftest import VERSION_RE, csv_bytes
from tracker.auth.models import User
from tracker.db import db
from tracker.s55 import services as s55
from tracker.sources.models import (
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    PanelItem,
    PanelItemKind,
)


def undo(client, batch_id: int):
    page = client.get(f"/imports/{batch_id}")
    version = VERSION_RE.search(page.text)
    data = {
        "csrf_token": csrf_token_from(page.text),
        "version": version.group(1) or version.group(2),
    }
    return client.post(f"/imports/{batch_id}/undo", data=data, follow_redirects=True)


def test_panel_item_updated_by_id_and_restored_by_undo(
    app, client, login_as, officer, upload_and_check, commit
):
    item = make_panel_item(app, text="Old question", panel_meeting_on=date(2023, 7, 27))
    login_as(officer)
    content = csv_bytes(
        [
            ["id", "Panel Meeting Date", "Type", "Recommendation", "Response"],
            [str(item.id), "27/07/2023", "RFI", "Old question", ""],
            ["", "12 Oct 2023", "Precept", "New precept question", ""],
            ["", "12 Oct 2023", "Recommendation", "Answered", "Yes we will"],
        ]
    )
    batch_id, page = upload_and_check(content, "panel.csv", target="panel_items", existing="update")
    assert "Enter the date of the PCC" in page.text, "a response needs its date"
    content = csv_bytes(
        [
            ["id", "Panel Meeting Date", "Type", "Recommendation", "Due date"],
            [str(item.id), "27/07/2023", "Recommendation", "Changed question", "24/08/2023"],
            ["", "12 Oct 2023", "Precept", "New precept question", ""],
        ]
    )
    batch_id, page = upload_and_check(content, "panel.csv", target="panel_items", existing="update")
    assert "1 to create" in page.text
    assert "1 to update" in page.text
    commit(batch_id)
    with app.app_context():
        changed = db.session.get(PanelItem, item.id)
        assert (changed.text, changed.kind) == ("Changed question", PanelItemKind.RECOMMENDATION)
        assert db.session.scalar(select(func.count(PanelItem.id))) == 2
    assert "Import undone" in undo(client, batch_id).text
    with app.app_context():
        restored = db.session.get(PanelItem, item.id)
        assert (restored.text, restored.kind) == ("Old question", PanelItemKind.INFORMATION)
        assert db.session.scalar(select(func.count(PanelItem.id))) == 1


def test_finding_updated_by_reference_in_the_chosen_report(
    app, client, login_as, officer, upload_and_check, commit
):
    report = make_report(app, code="CUST23")
    finding = make_finding(app, report, reference="AFI1", kind=FindingKind.AREA_FOR_IMPROVEMENT)
    login_as(officer)
    content = csv_bytes(
        [
            ["Ref", "Finding", "Status"],
            ["AFI 1", "The force should record detention decisions", "Discharged"],
            ["R2", "Under nothing", ""],
            ["R3", "Under a missing cause", ""],
        ]
    )
    batch_id, page = upload_and_check(
        content,
        "findings.csv",
        target="findings",
        report_id=report.id,
        existing="update",
    )
    assert "1 to update" in page.text
    assert "2 to create" in page.text
    commit(batch_id)
    with app.app_context():
        updated = db.session.get(Finding, finding.id)
        assert updated.text == "The force should record detention decisions"
        assert updated.inspectorate_status == InspectorateStatus.COMPLETE
        assert updated.kind == FindingKind.AREA_FOR_IMPROVEMENT


def test_recommendation_under_something_that_is_not_a_cause_is_an_error(
    app, login_as, officer, upload_and_check
):
    report = make_report(app)
    make_finding(app, report, reference="AFI1", kind=FindingKind.AREA_FOR_IMPROVEMENT)
    login_as(officer)
    content = csv_bytes([["reference", "text", "cause_of_concern"], ["R1", "Text", "AFI1"]])
    _batch_id, page = upload_and_check(content, "f.csv", target="findings", report_id=report.id)
    assert "AFI1 is not a cause of concern" in page.text


def test_findings_upload_needs_a_report(app, login_as, officer, upload):
    login_as(officer)
    response = upload(csv_bytes([["reference", "text"], ["R1", "x"]]), "f.csv", target="findings")
    assert response.status_code == 200
    assert "Choose the report the findings belong to" in response.text


def test_undo_is_refused_once_an_s55_response_answers_an_imported_finding(
    app, client, login_as, officer, upload_and_check, commit
):
    report = make_report(app)
    login_as(officer)
    content = csv_bytes([["reference", "text"], ["R1", "Improve call handling"]])
    batch_id, _ = upload_and_check(content, "f.csv", target="findings", report_id=report.id)
    commit(batch_id)
    with app.app_context():
        s55.build_draft(
            db.session.get(HmicfrsReport, report.id),
            by=db.session.get(User, officer.id),
            include_afis=False,
        )
        db.session.commit()
    page = undo(client, batch_id).text
    assert "finding R1 (in an s.55 response)" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Finding.id))) == 1
