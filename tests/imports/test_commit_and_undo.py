"""Commit once, all or nothing; undo while nothing changed since, otherwise name the records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import make_action, make_meeting, make_report
from tests.imports.conftest import VERSION_RE, csv_bytes
from tracker.actions import services as action_services
from tracker.actions.models import Action, ActionUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import db
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.sources.models import Finding, FindingKind

HEADINGS = ["reference", "title", "source", "owner_email", "raised_on", "due_on", "latest_update"]


def action_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Action.id)))


def checked_batch(app, officer, login_as, upload_and_check) -> int:
    """Officer signed in, Meeting A on file and two new actions uploaded and checked."""
    make_meeting(app, title="Meeting A")
    login_as(officer)
    batch_id, _page = upload_and_check(two_new_actions(officer), "log.csv")
    return batch_id


def undo(client, batch_id: int, **options):
    """Press "Undo this import" on the batch page."""
    return client.post(f"/imports/{batch_id}/undo", data=batch_form(client, batch_id), **options)


def batch_form(client, batch_id: int) -> dict:
    page = client.get(f"/imports/{batch_id}")
    version = VERSION_RE.search(page.text)
    return {
        "csrf_token": csrf_token_from(page.text),
        "version": version.group(1) or version.group(2),
    }


def two_new_actions(officer) -> bytes:
    return csv_bytes(
        [
            HEADINGS,
            ["AA-2023-050", "First", "Meeting A", officer.email, "1/6/23", "30/6/23", "Begun"],
            ["AA-2023-051", "Second", "Meeting A", officer.email, "1/6/23", "30/7/23", ""],
        ]
    )


def test_double_submit_imports_once(app, client, login_as, officer, upload_and_check):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    form = batch_form(client, batch_id)
    first = client.post(f"/imports/{batch_id}/commit", data=form)
    second = client.post(f"/imports/{batch_id}/commit", data=form)
    assert first.status_code == second.status_code == 302
    assert action_count(app) == 2
    page = client.get(f"/imports/{batch_id}")
    assert "already been imported" in page.text
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.status == ImportStatus.COMMITTED
        assert batch.created_count == 2
        assert batch.content is None


def test_commit_from_a_stale_tab_is_refused(
    app, client, login_as, officer, upload_and_check, post_form
):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    stale = batch_form(client, batch_id)
    from tests.imports.conftest import _current_selects

    form = _current_selects(client.get(f"/imports/{batch_id}/mapping").text)
    form["existing"] = "update"
    post_form(f"/imports/{batch_id}/mapping", form)  # another tab changes the options
    response = client.post(f"/imports/{batch_id}/commit", data=stale, follow_redirects=True)
    assert "changed in another tab" in response.text
    assert action_count(app) == 0


def test_commit_without_csrf_token_is_refused(app, client, login_as, officer, upload_and_check):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    form = batch_form(client, batch_id)
    del form["csrf_token"]
    assert client.post(f"/imports/{batch_id}/commit", data=form).status_code == 400
    assert action_count(app) == 0


def test_discarded_upload_cannot_be_committed(app, client, login_as, officer, upload_and_check):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    form = batch_form(client, batch_id)
    client.post(f"/imports/{batch_id}/discard", data=form)
    response = client.post(f"/imports/{batch_id}/commit", data=form, follow_redirects=True)
    assert "already been discarded" in response.text
    assert action_count(app) == 0


def test_undo_deletes_created_and_restores_updated(
    app, client, login_as, officer, liaison, upload_and_check, commit
):
    meeting = make_meeting(app, title="Meeting A")
    existing = make_action(
        app,
        meeting,
        liaison,
        reference="AA-2023-001",
        title="Old title",
        raised_on=date(2023, 6, 1),
        due_on=date(2023, 9, 1),
    )
    login_as(officer)
    content = csv_bytes(
        [
            HEADINGS,
            ["AA-2023-001", "New title", "Meeting A", liaison.email, "1/6/23", "1/10/23", ""],
            ["", "Brand new", "Meeting A", officer.email, "1/6/23", "30/6/23", "First update"],
        ]
    )
    batch_id, page = upload_and_check(content, "log.csv", existing="update")
    assert "1 to create" in page.text
    assert "1 to update" in page.text
    commit(batch_id)
    with app.app_context():
        updated = db.session.get(Action, existing.id)
        assert (updated.title, updated.due_on) == ("New title", date(2023, 10, 1))
        assert updated.original_due_on == date(2023, 9, 1)
        assert db.session.scalar(select(func.count(Action.id))) == 2
    response = undo(client, batch_id)
    assert response.status_code == 302
    with app.app_context():
        restored = db.session.get(Action, existing.id)
        assert (restored.title, restored.due_on) == ("Old title", date(2023, 9, 1))
        assert db.session.scalar(select(func.count(Action.id))) == 1
        assert db.session.scalar(select(func.count(ActionUpdate.id))) == 0
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.status == ImportStatus.UNDONE
        assert batch.undone_by_id == officer.id
        undo_events = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.batch_id == batch_id,
                AuditEvent.id > 0,
                AuditEvent.action.in_(["deleted", "undone"]),
            )
        ).all()
        assert sorted(undo_events) == ["deleted", "undone"]


def test_undo_is_refused_and_names_records_changed_since(
    app, client, login_as, officer, upload_and_check, commit
):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    commit(batch_id)
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.reference == "AA-2023-051"))
        by = db.session.get(User, officer.id)
        action_services.add_update(action, by=by, text="Progress after the import")
        db.session.commit()
    response = undo(client, batch_id, follow_redirects=True)
    assert "cannot be undone" in response.text
    assert "AA-2023-051" in response.text
    assert "AA-2023-050" not in response.text.split("cannot be undone")[1].split("</")[0]
    assert action_count(app) == 2
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.COMMITTED


def test_undo_is_refused_when_an_action_was_edited(
    app, client, login_as, officer, upload_and_check, commit
):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    commit(batch_id)
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.reference == "AA-2023-050"))
        action.title = "Changed without an audit event"
        db.session.commit()
    response = undo(client, batch_id, follow_redirects=True)
    assert "AA-2023-050" in response.text
    assert action_count(app) == 2


def test_pasted_findings_preview_commit_and_undo(app, client, login_as, officer, post_form):
    report = make_report(app, code="PEEL23")
    login_as(officer)
    response = post_form(
        "/imports/findings/paste",
        {
            "report_id": str(report.id),
            "existing": "skip",
            "text": "CoC1 - Call handling is poor\nR1: The force should answer calls faster\n"
            "AFI 3 The force should record crime accurately\n",
        },
    )
    assert response.status_code == 302
    batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/imports/{batch_id}")
    assert "3 to create" in page.text
    client.post(f"/imports/{batch_id}/commit", data=batch_form(client, batch_id))
    with app.app_context():
        findings = {
            f.reference: f
            for f in db.session.scalars(select(Finding).where(Finding.report_id == report.id))
        }
        assert findings["AFI3"].kind == FindingKind.AREA_FOR_IMPROVEMENT
        assert findings["CoC1"].kind == FindingKind.CAUSE_OF_CONCERN
        assert findings["R1"].parent_id == findings["CoC1"].id
        assert findings["R1"].text == "The force should answer calls faster"
    undo(client, batch_id)
    with app.app_context():
        assert db.session.scalar(select(func.count(Finding.id))) == 0


def test_pasted_line_without_reference_is_an_error_by_line(
    app, client, login_as, officer, post_form
):
    report = make_report(app)
    login_as(officer)
    response = post_form(
        "/imports/findings/paste",
        {"report_id": str(report.id), "existing": "skip", "text": "R1 Fine\nJust some words\n"},
    )
    batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/imports/{batch_id}")
    assert "The line must start with a reference such as AFI 3, R1 or CoC1" in page.text
    assert '<td class="govuk-table__cell">2</td>' in page.text


def test_existing_reference_is_skipped_when_asked(
    app, client, login_as, officer, liaison, upload_and_check, commit
):
    meeting = make_meeting(app, title="Meeting A")
    make_action(app, meeting, liaison, reference="AA-2023-050", title="Keep me")
    login_as(officer)
    batch_id, page = upload_and_check(two_new_actions(officer), "log.csv", existing="skip")
    assert "1 to create" in page.text
    commit(batch_id)
    with app.app_context():
        kept = db.session.scalar(select(Action).where(Action.reference == "AA-2023-050"))
        assert kept.title == "Keep me"
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.created_count, batch.skipped_count) == (1, 1)


def test_past_batches_are_listed_with_counts(
    app, client, login_as, officer, upload_and_check, commit
):
    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    commit(batch_id)
    page = client.get("/imports/")
    assert "log.csv" in page.text
    assert "Imported" in page.text
    assert f'href="/imports/{batch_id}"' in page.text


def test_audit_trail_shows_the_import_and_its_chain_stays_intact(
    app, client, login_as, officer, upload_and_check, commit
):
    from tracker.audit.chain import verify_chain

    batch_id = checked_batch(app, officer, login_as, upload_and_check)
    commit(batch_id)
    undo(client, batch_id)
    page = client.get("/audit/?entity_type=import_batch")
    assert page.status_code == 200
    assert "Import of log.csv undone" in page.text
    with app.app_context():
        assert verify_chain(db.session.connection()).intact


def testcreated_changes_match_the_audit_diff():
    from tracker.actions.models import Marking
    from tracker.audit.services import diff
    from tracker.imports.commit import created_changes

    snapshot = {
        "title": "T",
        "due_on": date(2023, 6, 1),
        "marking": Marking.OFFICIAL,
        "opcc_only": False,
        "lead_role": "",
        "closed_on": None,
    }
    assert created_changes(snapshot) == diff({}, snapshot)
