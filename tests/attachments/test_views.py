"""Attaching files to action updates over HTTP: upload, list, download, refuse, replace."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.attachments import files
from tests.attachments.conftest import upload
from tests.factories import make_action
from tracker.actions.models import ActionStatus, ActionUpdate
from tracker.attachments.models import Attachment, AttachmentContent
from tracker.audit.models import AuditEvent
from tracker.db import db


def _attachments(app) -> list[Attachment]:
    with app.app_context():
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        db.session.expunge_all()
        return list(rows)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _post_update(post_files, action, *file_pairs, text="Assessment drafted", **extra):
    return post_files(
        f"/actions/{action.id}/updates",
        {"text": text, "files": upload(*file_pairs), **extra},
        form_page=f"/actions/{action.id}",
    )


def test_an_update_with_files_stores_each_with_its_facts(
    app, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    response = _post_update(
        post_files, force_action, ("Assessment.pdf", files.PDF), ("figures.csv", files.CSV)
    )
    assert response.status_code == 302
    pdf, csv = _attachments(app)
    with app.app_context():
        update = db.session.scalars(select(ActionUpdate)).one()
    assert (pdf.owner_kind, pdf.owner_id) == ("action_update", update.id)
    assert (pdf.filename, pdf.content_type, pdf.size) == (
        "Assessment.pdf",
        "application/pdf",
        len(files.PDF),
    )
    assert (csv.filename, csv.content_type) == ("figures.csv", "text/plain; charset=utf-8")
    assert pdf.uploaded_by_id == liaison.id
    assert pdf.uploaded_at is not None
    assert len(pdf.sha256) == 64


def test_the_action_page_lists_each_file_with_type_size_and_link(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Assessment.pdf", files.PDF))
    (pdf,) = _attachments(app)
    page = client.get(f"/actions/{force_action.id}").text
    assert f'href="/attachments/{pdf.id}"' in page
    assert "Assessment.pdf" in page
    assert f"(PDF, {len(files.PDF)} bytes)" in page


def test_download_is_an_attachment_that_is_never_sniffed_or_cached(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Assessment.pdf", files.PDF))
    (pdf,) = _attachments(app)
    response = client.get(f"/attachments/{pdf.id}")
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Assessment.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_text_downloads_as_utf8_plain_text_whatever_it_contains(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    html = b"<html><script>alert(1)</script></html>"
    _post_update(post_files, force_action, ("page.html", html))
    (text,) = _attachments(app)
    assert text.filename == "page.txt"
    response = client.get(f"/attachments/{text.id}")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_non_ascii_name_is_sent_in_rfc_5987_form(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Évaluation été.pdf", files.PDF))
    (pdf,) = _attachments(app)
    disposition = client.get(f"/attachments/{pdf.id}").headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="_valuation _t_.pdf"; '
        f"filename*=UTF-8''{quote('Évaluation été.pdf', safe='')}"
    )


def test_evidence_of_implementation_is_attached_to_the_status_change(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    page = client.get(f"/actions/{force_action.id}").text
    assert 'enctype="multipart/form-data"' in page
    response = post_files(
        f"/actions/{force_action.id}/status",
        {
            "target": "implemented",
            "note": "Assessment published",
            "version": "1",
            "evidence": upload(("Published assessment.pdf", files.PDF)),
        },
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 302
    (pdf,) = _attachments(app)
    with app.app_context():
        update = db.session.get(ActionUpdate, pdf.owner_id)
        assert update.to_status == ActionStatus.IMPLEMENTED
    assert "Published assessment.pdf" in client.get(f"/actions/{force_action.id}").text


BAD_FILES = [
    (("malware.pdf", files.EXE), "“malware.pdf” must be a PDF, Word, Excel"),
    (("bundle.zip", files.zip_archive()), "“bundle.zip” must be a PDF, Word, Excel"),
    (("empty.pdf", b""), "“empty.pdf” is empty"),
    (("reports/q3.pdf", files.PDF), "includes a folder path"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_FILES, ids=["type", "zip", "empty", "path"])
def test_a_bad_file_is_explained_and_nothing_is_saved(
    app, login_as, liaison, force_action, post_files, bad, message
):
    login_as(liaison)
    events = _count(app, AuditEvent)
    response = _post_update(post_files, force_action, ("good.pdf", files.PDF), bad)
    assert response.status_code == 400
    assert message in response.text
    assert 'href="#files"' in response.text  # the error summary points at the field
    assert _count(app, ActionUpdate) == 0
    assert _count(app, Attachment) == 0
    assert _count(app, AuditEvent) == events


def test_a_bad_evidence_file_leaves_the_status_alone(
    app, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    response = post_files(
        f"/actions/{force_action.id}/status",
        {
            "target": "implemented",
            "note": "Assessment published",
            "version": "1",
            "evidence": upload(("evidence.pdf", files.EXE)),
        },
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 400
    assert "“evidence.pdf” must be a PDF" in response.text
    assert _count(app, Attachment) == 0
    with app.app_context():
        assert db.session.scalars(select(ActionUpdate)).all() == []


def test_a_request_over_the_upload_limit_gets_a_clear_page_and_saves_nothing(
    app, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024
    response = _post_update(post_files, force_action, ("big.pdf", files.PDF + b" " * 8192))
    assert response.status_code == 413
    assert "The file is too large" in response.text
    assert "add up to more than 4 KB" in response.text
    assert "Nothing was saved" in response.text
    assert _count(app, ActionUpdate) == 0
    assert _count(app, Attachment) == 0


def test_the_force_never_sees_files_on_an_internal_update(
    app, client, login_as, auth, officer, liaison, force_action, post_files
):
    login_as(officer)
    _post_update(post_files, force_action, ("Internal briefing.pdf", files.PDF), opcc_only="y")
    (pdf,) = _attachments(app)
    assert client.get(f"/attachments/{pdf.id}").status_code == 200
    auth.logout()
    login_as(liaison)
    assert client.get(f"/attachments/{pdf.id}").status_code == 404
    assert "Internal briefing.pdf" not in client.get(f"/actions/{force_action.id}").text


def test_the_force_never_sees_files_on_an_opcc_only_action(
    app, client, login_as, auth, officer, liaison, meeting, post_files
):
    restricted = make_action(app, meeting, officer, title="Restricted", opcc_only=True)
    login_as(officer)
    _post_update(post_files, restricted, ("Restricted.pdf", files.PDF))
    (pdf,) = _attachments(app)
    auth.logout()
    login_as(liaison)
    assert client.get(f"/attachments/{pdf.id}").status_code == 404
    assert client.get(f"/attachments/{pdf.id}/replace").status_code == 404


def test_a_missing_attachment_is_not_found(client, login_as, officer):
    login_as(officer)
    assert client.get("/attachments/999").status_code == 404


def test_the_upload_appears_in_the_action_history(
    app, client, login_as, auth, officer, liaison, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Assessment.pdf", files.PDF))
    auth.logout()
    login_as(officer)
    page = client.get(f"/actions/{force_action.id}").text
    assert "Attachment added" in page
    assert f"Action update: Assessment.pdf (PDF, {len(files.PDF)} bytes)" in page


def test_replacing_a_file_keeps_the_old_one_listed_as_superseded(
    app, client, login_as, liaison, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Draft.pdf", files.PDF))
    (old,) = _attachments(app)
    response = post_files(
        f"/attachments/{old.id}/replace",
        {"file": upload(("Final.pdf", files.PDF + b"% final\n"))},
        form_page=f"/attachments/{old.id}/replace",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/actions/{force_action.id}#update-{old.owner_id}"
    )
    old, new = _attachments(app)
    assert old.superseded_by_id == new.id
    assert old.superseded_at is not None
    assert (new.owner_kind, new.owner_id, new.filename) == (
        "action_update",
        old.owner_id,
        "Final.pdf",
    )
    page = client.get(f"/actions/{force_action.id}").text
    assert "Draft.pdf" in page
    assert "Superseded" in page
    assert client.get(f"/attachments/{old.id}").data == files.PDF
    assert client.get(f"/attachments/{old.id}/replace").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttachmentContent)) == 2


def test_a_replacement_must_be_one_good_file(app, login_as, liaison, force_action, post_files):
    login_as(liaison)
    _post_update(post_files, force_action, ("Draft.pdf", files.PDF))
    (old,) = _attachments(app)
    page = f"/attachments/{old.id}/replace"
    nothing = post_files(page, {}, form_page=page)
    assert nothing.status_code == 400
    assert "Choose one file to replace it with" in nothing.text
    bad = post_files(page, {"file": upload(("Final.pdf", b""))}, form_page=page)
    assert bad.status_code == 400
    assert "“Final.pdf” is empty" in bad.text
    assert len(_attachments(app)) == 1


def test_the_panel_may_download_but_not_replace(
    app, client, login_as, auth, liaison, clerk, force_action, post_files
):
    login_as(liaison)
    _post_update(post_files, force_action, ("Assessment.pdf", files.PDF))
    (pdf,) = _attachments(app)
    auth.logout()
    login_as(clerk)
    assert client.get(f"/attachments/{pdf.id}").status_code == 200
    assert client.get(f"/attachments/{pdf.id}/replace").status_code == 403
