"""`flask backup` and `flask restore` carry attachments: the bytes come back intact."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select

from tests.attachments import files
from tests.attachments.conftest import upload
from tracker.attachments.models import Attachment, AttachmentContent
from tracker.db import db


def _stored(app) -> list[tuple[str, str, bytes]]:
    with app.app_context():
        rows = db.session.execute(
            select(Attachment.filename, Attachment.sha256, AttachmentContent.data)
            .join(AttachmentContent)
            .order_by(Attachment.id)
        )
        return [tuple(row) for row in rows]


def test_a_backup_and_restore_round_trip_keeps_the_files(
    app, runner, login_as, liaison, force_action, post_files, tmp_path
):
    login_as(liaison)
    workbook = files.xlsx()
    response = post_files(
        f"/actions/{force_action.id}/updates",
        {
            "text": "Evidence attached",
            "files": upload(("Assessment.pdf", files.PDF), ("Figures.xlsx", workbook)),
        },
        form_page=f"/actions/{force_action.id}",
    )
    assert response.status_code == 302
    before = _stored(app)
    assert [(name, data) for name, _, data in before] == [
        ("Assessment.pdf", files.PDF),
        ("Figures.xlsx", workbook),
    ]
    path = tmp_path / "tracker.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with app.app_context():
        db.session.execute(delete(AttachmentContent))
        db.session.execute(delete(Attachment))
        db.session.commit()
    assert _stored(app) == []

    result = runner.invoke(args=["restore", str(path), "--yes"])

    assert result.exit_code == 0, result.output
    after = _stored(app)
    assert after == before
    for _, sha256, data in after:
        assert hashlib.sha256(data).hexdigest() == sha256
