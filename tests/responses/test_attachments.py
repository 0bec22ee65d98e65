"""Documents sent with a written response: attached by the force while drafting, seen by
the OPCC once submitted, never by the Panel; a bad file saves nothing."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from tests.attachments import files
from tests.conftest import csrf_token_from
from tests.factories import make_adhoc_request
from tracker.attachments.models import Attachment
from tracker.db import db
from tracker.responses.models import WrittenResponse


def _write(client, url: str, text: str, *, submit: bool, upload=()):
    page = client.get(url).text
    token = re.search(r'name="based_on" type="hidden" value="([^"]*)"', page).group(1)
    data = {"csrf_token": csrf_token_from(page), "based_on": token, "text": text}
    data["submit_response" if submit else "save_draft"] = "1"
    data["files"] = [(io.BytesIO(content), name) for name, content in upload]
    return client.post(url, data=data, content_type="multipart/form-data")


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _download_link(page: str, name: str) -> str:
    found = re.search(rf'href="(/attachments/\d+)">{re.escape(name)}</a>', page)
    assert found, f"no link to {name}"
    return found.group(1)


def test_the_force_sends_a_document_with_its_response_and_the_opcc_reads_it(
    app, client, auth, login_as, liaison, officer, clerk
):
    adhoc = make_adhoc_request(app, subject="Request Bramblewick")
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    saved = _write(client, url, "Draft", submit=False, upload=[("Figures.pdf", files.PDF)])
    assert saved.status_code == 302
    link = _download_link(client.get(f"/requests/{adhoc.id}").text, "Figures.pdf")
    assert client.get(link).data == files.PDF
    auth.logout()

    # A draft is the force's own: the OPCC cannot open its files yet.
    login_as(officer)
    assert client.get(link).status_code == 404
    auth.logout()

    login_as(liaison)
    assert _write(client, url, "The answer", submit=True).status_code == 302
    auth.logout()

    login_as(officer)
    page = client.get(f"/requests/{adhoc.id}").text
    assert "Documents sent with version 1" in page
    download = client.get(_download_link(page, "Figures.pdf"))
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "Figures.pdf" in client.get(f"{url}/review").text
    auth.logout()

    login_as(clerk)
    assert client.get(link).status_code == 404


def test_a_bad_file_saves_neither_the_draft_nor_any_file(app, client, login_as, liaison):
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    response = _write(
        client,
        url,
        "The answer",
        submit=True,
        upload=[("Figures.pdf", files.PDF), ("setup.exe", files.EXE)],
    )
    assert response.status_code == 200
    assert "setup.exe" in response.text
    assert _count(app, WrittenResponse) == 0
    assert _count(app, Attachment) == 0


def test_a_submitted_version_takes_no_more_files(app, client, login_as, liaison):
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    assert _write(client, url, "The answer", submit=True).status_code == 302
    with app.app_context():
        from tracker.attachments.services import attach_files
        from tracker.auth.models import User
        from tracker.errors import PermissionDeniedError
        from tracker.responses.evidence import WRITTEN_RESPONSE

        version = db.session.scalars(select(WrittenResponse)).one()
        try:
            attach_files(
                WRITTEN_RESPONSE.name, version.id, [object()], by=db.session.get(User, liaison.id)
            )
        except PermissionDeniedError:
            refused = True
        else:
            refused = False
        db.session.rollback()
    assert refused
    assert _count(app, Attachment) == 0
