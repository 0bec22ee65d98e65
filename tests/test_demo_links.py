"""Every link a page shows opens for the person it is shown to.

Over the demo sample data, each demo user (and an anonymous visitor of the public pages)
starts at their home page and follows the links on every page they reach. Pages of the
same shape (`/actions/12` and `/actions/31`) are opened once, so the walk stays short but
covers every kind of page each role can reach. A link that gives a 403, a 404 or an
error is a page offering something its reader cannot have.
"""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urlsplit

from tests.conftest import AuthActions
from tracker.demo import DEMO_USERS

HREF = re.compile(r'href="(/[^"#]*)"')
# Files and feeds are checked by their own tests; signing out ends the walk.
NOT_PAGES = re.compile(
    r"^/(static/|logout)|\.(ics|xlsx|csv|pdf|docx|atom)(\?|$)|/download|/export|/feed"
)


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _walk(client, start: str) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Open `start` and every page linked from the pages reached, one per shape; returns
    the shapes opened and the (link, page it was on, status) of every link that failed."""
    opened: set[str] = set()
    failures: list[tuple[str, str, int]] = []
    queue = deque([(start, "(start)")])
    while queue:
        link, found_on = queue.popleft()
        path = urlsplit(link).path
        if _shape(path) in opened:
            continue
        opened.add(_shape(path))
        response = client.get(link)
        if response.status_code >= 400:
            failures.append((link, found_on, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        for href in HREF.findall(response.text):
            href = html.unescape(href)
            if not NOT_PAGES.search(href) and _shape(urlsplit(href).path) not in opened:
                queue.append((href, path))
    return opened, failures


def test_every_link_shown_to_each_demo_user_opens_for_them(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    reached = {}
    for demo in DEMO_USERS:
        client = app.test_client()
        assert AuthActions(client).login(demo.email, demo.password).status_code == 302
        opened, failures = _walk(client, "/")
        assert failures == [], demo.email
        reached[demo.email] = opened

    opened, failures = _walk(app.test_client(), "/public/")
    assert failures == [], "anonymous visitor"

    # The walk really went somewhere: each role reaches the pages of its own work.
    force, officer = "sam.taylor@police.example.org", "priya.shah@opcc.example.org"
    assert {
        "/asked",
        "/requests/N",
        "/requests/N/written-response",
        "/hmicfrs/N",
        "/meetings/N",
        "/lines/N/answer",
        "/programme/timetable",
        "/attachments/N",
    } <= reached[force]
    assert {
        "/requests/N/response",
        "/hmicfrs/N/cc-comments/review",
        "/panel/N/response",
        "/lines/N/conclude",
        "/publication/",
        "/statutory/precepts/N",
    } <= reached[officer]
    assert {"/panel/meetings/N", "/panel/N/conclusion", "/panel/programme/"} <= reached[
        "chris.evans@council.example.org"
    ]
    assert "/admin/users/" in reached["admin@opcc.example.org"]
    assert {"/public/meetings/N", "/public/panel-recommendations", "/public/timetable"} <= opened
