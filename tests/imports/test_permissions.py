"""Only OPCC officers and administrators may reach any import page; others get 403."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token_from
from tracker.db import db
from tracker.exports import ACTION_COLUMNS, OPCC_ONLY_COLUMNS, SOURCE_COLUMNS
from tracker.imports.models import ImportBatch

GET_URLS = [
    "/imports/",
    "/imports/new",
    "/imports/findings/paste",
    "/imports/{id}",
    "/imports/{id}/mapping",
    "/imports/template/actions.csv",
    "/imports/template/findings.xlsx",
]
POST_URLS = [
    "/imports/new",
    "/imports/findings/paste",
    "/imports/{id}/mapping",
    "/imports/{id}/commit",
    "/imports/{id}/discard",
    "/imports/{id}/undo",
]


@pytest.fixture
def batch_id(app, officer) -> int:
    with app.app_context():
        batch = ImportBatch(
            created_by_id=officer.id,
            target="actions",
            filename="restricted-log.csv",
            content=b"title,owner,due_on\nSecret OPCC-only action,x,1/1/24\n",
            options={"source_type": "meeting", "existing": "skip"},
            mapping={"title": "title", "owner": "owner", "due_on": "due_on"},
        )
        db.session.add(batch)
        db.session.commit()
        return batch.id


@pytest.mark.parametrize("role", ["liaison", "clerk"])
def test_force_and_panel_users_get_403_everywhere(request, client, login_as, batch_id, role):
    login_as(request.getfixturevalue(role))
    csrf = csrf_token_from(client.get("/").text)
    for url in GET_URLS:
        response = client.get(url.format(id=batch_id))
        assert response.status_code == 403, url
        assert b"Secret OPCC-only action" not in response.data
    for url in POST_URLS:
        response = client.post(url.format(id=batch_id), data={"csrf_token": csrf})
        assert response.status_code == 403, url
    assert 'href="/imports/"' not in client.get("/").text


def test_anonymous_users_are_sent_to_sign_in(client, batch_id):
    for url in GET_URLS:
        response = client.get(url.format(id=batch_id))
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_opcc_staff_reach_every_page(request, client, login_as, batch_id, role):
    login_as(request.getfixturevalue(role))
    for url in GET_URLS:
        assert client.get(url.format(id=batch_id)).status_code == 200, url
    assert 'href="/imports/"' in client.get("/").text


def test_missing_batch_is_404(client, login_as, officer):
    login_as(officer)
    assert client.get("/imports/999").status_code == 404


def test_csv_template_has_the_export_columns(client, login_as, officer):
    login_as(officer)
    response = client.get("/imports/template/actions.csv")
    header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header == ACTION_COLUMNS + OPCC_ONLY_COLUMNS
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("target", ["panel_items", "findings"])
def test_xlsx_template_has_the_export_columns(client, login_as, officer, target):
    login_as(officer)
    response = client.get(f"/imports/template/{target}.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    assert list(next(sheet.iter_rows(values_only=True))) == SOURCE_COLUMNS[target]


def test_upload_form_needs_its_csrf_token(client, login_as, officer):
    login_as(officer)
    response = client.post(
        "/imports/new",
        data={"target": "actions", "upload": (io.BytesIO(b"title\nx\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
