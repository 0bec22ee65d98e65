"""The real app served on 127.0.0.1 by a threaded HTTP server, and signed-in HTTP
clients (requests.Session) that act like separate people at separate browsers."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from

CLIENTS = 20
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')


class Browser:
    """One person's session: signs in through the form and posts with CSRF tokens."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, allow_redirects=False, timeout=120)

    def post(self, path: str, data: dict[str, Any]) -> requests.Response:
        return self.session.post(
            self.base_url + path, data=data, allow_redirects=False, timeout=120
        )

    def sign_in(self, email: str) -> None:
        page = self.get("/login")
        response = self.post(
            "/login",
            {
                "email": email,
                "password": DEFAULT_PASSWORD,
                "csrf_token": csrf_token_from(page.text),
            },
        )
        assert response.status_code == 302, f"sign-in failed for {email}"

    def form(self, path: str) -> tuple[str, str | None]:
        """The CSRF token and (for edit forms) the version shown on a page."""
        page = self.get(path)
        assert page.status_code == 200, f"{path} answered {page.status_code}"
        match = VERSION_RE.search(page.text)
        return csrf_token_from(page.text), (match.group(1) or match.group(2)) if match else None


@pytest.fixture
def browsers(live_server) -> Callable[[list], list[Browser]]:
    """browsers(users): one signed-in Browser per user, signed in in parallel."""
    made: list[Browser] = []

    def _make(users: list) -> list[Browser]:
        group = [Browser(live_server.url) for _ in users]
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            list(
                pool.map(
                    lambda pair: pair[0].sign_in(pair[1].email), zip(group, users, strict=True)
                )
            )
        made.extend(group)
        return group

    yield _make
    for browser in made:
        browser.session.close()


def run_together(work: list[Callable[[], Any]]) -> list[Any]:
    """Run every callable in its own thread, released at the same moment."""
    barrier = threading.Barrier(len(work))

    def _run(job: Callable[[], Any]) -> Any:
        barrier.wait(timeout=60)
        return job()

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(_run, work))
