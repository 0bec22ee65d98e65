"""Browser tests: the app served on 127.0.0.1, driven by Debian's Chromium through
Playwright, with axe-core scanning every page that loads for WCAG 2.2 A/AA problems.

Every document load is scanned in the page itself (axe is added as an init script,
which the Content-Security-Policy does not apply to) and reported back through a
binding. The `ui` helper waits for each scan before acting again, and the test
fails at teardown if any loaded page was not scanned or had a violation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import LiveServer

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

pytestmark = pytest.mark.browser

AXE_RUNNER = """
(() => {
  window.__axeDone = false;
  window.addEventListener("load", async () => {
    try {
      const result = await axe.run(document, {runOnly: {type: "tag", values: __WCAG_TAGS__}});
      const violations = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(" "))
      }));
      await window.__reportAxe(location.pathname + location.search, violations);
    } catch (error) {
      const failure = {id: "axe-error", help: String(error), nodes: []};
      await window.__reportAxe(location.pathname, [failure]);
    }
    window.__axeDone = true;
  });
})();
""".replace("__WCAG_TAGS__", json.dumps(WCAG_TAGS))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with networking to the outside world switched off."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@dataclass
class AxeLog:
    """Scans reported by the page and document loads seen by Playwright."""

    loads: list[str] = field(default_factory=list)
    scans: list[tuple[str, list[dict]]] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [
            f"{path}: {v['id']} ({v.get('impact')}): {v['help']} at {', '.join(v['nodes'])}"
            for path, violations in self.scans
            for v in violations
        ]
        if len(self.scans) < len(self.loads):
            found.append(
                f"{len(self.loads) - len(self.scans)} page(s) loaded but not scanned: {self.loads}"
            )
        return found


@pytest.fixture
def axe_log(page) -> Iterator[AxeLog]:
    log = AxeLog()
    page.context.expose_binding(
        "__reportAxe", lambda source, path, violations: log.scans.append((path, violations))
    )
    page.context.add_init_script(AXE_PATH.read_text() + AXE_RUNNER)
    page.on("load", lambda loaded: log.loads.append(loaded.url))
    yield log
    problems = log.problems()
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


class UI:
    """Drive the app like a person: every step waits for the page's accessibility scan."""

    def __init__(self, page, server: LiveServer, axe_log: AxeLog) -> None:
        self.page = page
        self.server = server
        self.axe_log = axe_log

    def settle(self, timeout_ms: int = 10_000) -> None:
        """Wait for the page to load and for its accessibility scan to finish.

        Polls with `evaluate` because `wait_for_function` evaluates strings, which
        the app's Content-Security-Policy (rightly) forbids.
        """
        self.page.wait_for_load_state("load")
        waited = 0
        while not self.page.evaluate("() => window.__axeDone === true"):
            if waited >= timeout_ms:
                raise AssertionError(f"accessibility scan of {self.page.url} did not finish")
            self.page.wait_for_timeout(20)
            waited += 20

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)
        self.settle()

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def click(self, name: str, *, role: str = "button") -> None:
        """Click a button or link that loads a new page, then wait for its scan."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=True).click()
        self.settle()

    def sign_in(self, email: str, password: str) -> None:
        self.goto("/login")
        self.fill("Email address", email)
        self.fill("Password", password)
        self.click("Sign in")

    def sign_out(self) -> None:
        self.click("Sign out")

    @property
    def heading(self) -> str:
        return self.page.locator("h1").inner_text()

    def text(self) -> str:
        return self.page.locator("main").inner_text()


@pytest.fixture
def ui(page, live_server, axe_log) -> UI:
    page.set_default_timeout(10_000)
    return UI(page, live_server, axe_log)
