"""Helpers for import tests: build spreadsheets in memory and upload them like a browser."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import Workbook

from tests.conftest import csrf_token_from

BATCH_URL_RE = re.compile(r"/imports/(\d+)")


def xlsx_bytes(rows: list[list[Any]], *, sheets: dict[str, list[list[Any]]] | None = None) -> bytes:
    """A workbook whose first sheet holds `rows` (and any further named sheets)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    for row in rows:
        sheet.append(row)
    for title, extra in (sheets or {}).items():
        other = workbook.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def upload(client):
    """upload(content, filename, target=..., **fields) -> the response (not followed)."""

    def _upload(content: bytes, filename: str = "log.xlsx", **fields: Any):
        page = client.get("/imports/new")
        data = {
            "csrf_token": csrf_token_from(page.text),
            "target": "actions",
            "source_type": "meeting",
            "existing": "skip",
            **{k: str(v) for k, v in fields.items()},
            "upload": (io.BytesIO(content), filename),
        }
        return client.post("/imports/new", data=data, content_type="multipart/form-data")

    return _upload


def batch_id_from(response) -> int:
    match = BATCH_URL_RE.search(response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


@pytest.fixture
def upload_and_check(client, upload, post_form):
    """Upload, save the detected mapping (with options), return (batch id, preview page)."""

    def _run(content: bytes, filename: str = "log.xlsx", mapping: dict | None = None, **fields):
        response = upload(content, filename, **fields)
        assert response.status_code == 302, response.text
        batch_id = batch_id_from(response)
        page = client.get(f"/imports/{batch_id}/mapping")
        assert page.status_code == 200
        form = _current_selects(page.text)
        form.update(mapping or {})
        response = post_form(f"/imports/{batch_id}/mapping", form)
        assert response.status_code == 302, response.text
        return batch_id, client.get(f"/imports/{batch_id}")

    return _run


SELECT_RE = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
SELECTED_RE = re.compile(r'<option[^>]*value="([^"]*)"[^>]*selected')
CHECKED_RE = re.compile(r'<input[^>]*name="existing"[^>]*value="([^"]+)"[^>]*checked')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')


def _current_selects(html: str) -> dict[str, str]:
    values = {}
    for name, options in SELECT_RE.findall(html):
        chosen = SELECTED_RE.search(options)
        values[name] = chosen.group(1) if chosen else ""
    existing = CHECKED_RE.search(html)
    values["existing"] = existing.group(1) if existing else "skip"
    version = VERSION_RE.search(html)
    values["version"] = version.group(1) or version.group(2)
    return values


@pytest.fixture
def commit(client):
    """Press the import button on a batch's preview page."""

    def _commit(batch_id: int):
        page = client.get(f"/imports/{batch_id}")
        version = VERSION_RE.search(page.text)
        data = {
            "csrf_token": csrf_token_from(page.text),
            "version": version.group(1) or version.group(2),
        }
        return client.post(f"/imports/{batch_id}/commit", data=data)

    return _commit
