"""Every table sits in its own scroll region, so a wide one never widens the page.

Each page an administrator may open (they see every record and every screen) is
fetched over HTTP with one record of each kind in place; every `<table>` must open
straight inside a focusable, named region (templates/macros/tables.html).
"""

from __future__ import annotations

import re

from flask import url_for

from tests.security.matrix import GET, MATRIX, OK
from tests.security.world import build_world, values_for

# Files and JSON, not pages.
NOT_PAGES = {
    "actions.export",
    "imports.template",
    "main.healthz",
    "main.healthz_detail",
    "reports.export_sources",
    "reports.job_download",
    "reports.job_status",
    "reports.panel_docx",
}
# Report previews wrap their tables through templates/reports/_macros.html and are
# checked in tests/reports.
REPORT_PREVIEWS = {"reports.actions", "reports.hmicfrs", "reports.matters", "reports.panel"}

REGION = re.compile(
    r'<div class="app-table-scroll" role="region" aria-label="([^"]+)" tabindex="0">\s*<table\b'
)


def _admin_pages(app, world) -> list[str]:
    pages = []
    with app.test_request_context():
        for (endpoint, method), expect in sorted(MATRIX.items()):
            skip = NOT_PAGES | REPORT_PREVIEWS
            if method != GET or expect.admin != OK or endpoint in skip or endpoint.endswith("_pdf"):
                continue
            rule = next(app.url_map.iter_rules(endpoint))
            values, missing = values_for(world, endpoint, set(rule.arguments))
            assert not missing, endpoint
            pages.append(url_for(endpoint, **values))
    return pages


def test_every_table_is_in_a_named_focusable_scroll_region(app):
    world = build_world(app)
    client = world.client("admin")
    unwrapped, checked = [], 0
    for path in _admin_pages(app, world):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        tables = len(re.findall(r"<table\b", response.text))
        regions = REGION.findall(response.text)
        checked += tables
        if tables != len(regions) or not all(label.strip() for label in regions):
            unwrapped.append(f"{path}: {tables} tables, {len(regions)} in named regions")
    assert checked >= 10, "the pages showed too few tables to prove anything"
    assert not unwrapped, "tables outside a scroll region:\n" + "\n".join(unwrapped)


def test_scroll_region_names_itself_after_its_table(client, login_as, officer):
    login_as(officer)
    page = client.get("/audit/").text
    assert REGION.search(page)[1] == "Audit events"
