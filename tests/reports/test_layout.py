"""How reports are laid out: the PDF of a long Panel report keeps every row, the
on-screen previews use GOV.UK components with tables in scroll regions, and printing a
page leaves out navigation, filters and buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import tracker.reports.views as views
from tests.factories import london_today, make_action, make_meeting, make_panel_item
from tests.reports.helpers import pdf_text
from tracker.actions.models import Action, ActionStatus, ActionUpdate, SourceType
from tracker.auth.models import Organisation
from tracker.db import db
from tracker.sources.models import PanelItem, PanelItemKind

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Elements(HTMLParser):
    """Every element of a page with its ancestors (enough to ask where a table sits)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.open: list[Element] = []
        self.all: list[Element] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, list(self.open))
        self.all.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.all if element.tag == tag]


def add_panel_actions(app, owner, count: int) -> list[tuple[str, str]]:
    """`count` Panel items, each with one action and one progress update, added in one
    transaction; returns each action's reference and its update's text."""
    today = london_today()
    expected = []
    with app.app_context():
        for n in range(count):
            item = PanelItem(
                panel_meeting_on=today - timedelta(days=n % 300),
                kind=PanelItemKind.RECOMMENDATION,
                text=f"Panel recommendation {n} on neighbourhood policing visibility",
                published=True,
            )
            reference = f"P-{n:05d}"
            action = Action(
                reference=reference,
                title=f"Respond to recommendation {n}",
                source_type=SourceType.PANEL,
                panel_item=item,
                owner_id=owner.id,
                owning_organisation=Organisation.FORCE,
                raised_on=today - timedelta(days=10),
                due_on=today + timedelta(days=n % 90),
                original_due_on=today + timedelta(days=n % 90),
                status=ActionStatus.IN_PROGRESS,
            )
            text = f"Progress note {n}: the working group met and agreed a plan"
            db.session.add(ActionUpdate(action=action, author_id=owner.id, text=text))
            expected.append((reference, text))
        db.session.commit()
    return expected


def test_panel_pdf_of_500_actions_keeps_every_reference_and_latest_update(
    app, client, login_as, officer, liaison
):
    app.config["REPORT_BACKGROUND_THRESHOLD"] = 1000  # render in the request
    expected = add_panel_actions(app, liaison, 500)
    login_as(officer)
    response = client.get("/reports/panel.pdf")
    assert response.status_code == 200
    reader, text = pdf_text(response.data)
    missing = [reference for reference, _ in expected if f"{reference}:" not in text]
    assert missing == []
    missing_updates = [update for _, update in expected if update not in text]
    assert missing_updates == []
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])


def test_pdf_table_headers_stay_header_cells_with_scope(
    app, client, login_as, officer, liaison, monkeypatch
):
    item = make_panel_item(app)
    make_action(app, item, liaison)
    login_as(officer)
    pdf_html = []
    original = views.render_pdf

    def keep(html: str) -> bytes:
        pdf_html.append(html)
        return original(html)

    monkeypatch.setattr(views, "render_pdf", keep)
    assert client.get("/reports/panel.pdf").status_code == 200
    page = Elements(pdf_html[0])
    headers = page.find("th")
    # Two summaries (items by response, with a "Total" row header; actions by RAG) and
    # the nine columns of the items table.
    assert len(headers) == 14
    assert [th.attrs.get("scope") for th in headers].count("row") == 1
    assert all(th.attrs.get("scope") in ("col", "row") for th in headers)
    assert len(page.find("caption")) == 3
    assert page.find("h1")
    assert not [div for div in page.find("div") if "app-table-scroll" in div.classes]


def preview_pages(app, officer, liaison) -> list[str]:
    item = make_panel_item(app, panel_meeting_on=date(2023, 7, 27))
    make_action(app, item, liaison, title="Report on front-line officer numbers")
    earlier = make_meeting(app, title="June A&A", held_on=date(2023, 6, 1))
    make_action(app, earlier, liaison, title="Still open from June")
    meeting = make_meeting(app, title="November A&A", held_on=date(2023, 11, 2))
    return [
        "/reports/panel",
        "/reports/actions",
        "/reports/hmicfrs",
        f"/reports/meetings/{meeting.id}",
    ]


def test_report_previews_put_every_table_in_a_focusable_scroll_region(
    app, client, login_as, officer, liaison
):
    urls = preview_pages(app, officer, liaison)
    login_as(officer)
    tables = 0
    for url in urls:
        page = Elements(client.get(url).text)
        for table in page.find("table"):
            tables += 1
            region = table.ancestors[-1]
            assert "app-table-scroll" in region.classes, url
            assert region.attrs.get("tabindex") == "0", url
            assert region.attrs.get("role") == "region", url
            assert region.attrs.get("aria-label"), url
            assert "govuk-table" in table.classes, url
    assert tables >= 4


def test_report_previews_use_govuk_table_classes_tags_and_summary_lists(
    app, client, login_as, officer, liaison
):
    urls = preview_pages(app, officer, liaison)
    login_as(officer)
    for url in urls:
        page = Elements(client.get(url).text)
        assert all("govuk-table__header" in th.classes for th in page.find("th")), url
        assert all("govuk-table__cell" in td.classes for td in page.find("td")), url
        assert all("govuk-table__row" in tr.classes for tr in page.find("tr")), url
    for url in ("/reports/panel", "/reports/actions", urls[3]):
        page = Elements(client.get(url).text)
        assert [dl for dl in page.find("dl") if "govuk-summary-list" in dl.classes], url
    panel = Elements(client.get("/reports/panel").text)
    tags = [tag for tag in panel.find("strong") if "govuk-tag" in tag.classes]
    assert tags
    assert all(
        tag.classes & {"govuk-tag--red", "govuk-tag--orange", "govuk-tag--green", "govuk-tag--grey"}
        for tag in tags
    )


def test_report_filters_are_marked_as_not_for_printing(app, client, login_as, officer, liaison):
    urls = preview_pages(app, officer, liaison)
    login_as(officer)
    for url in urls:
        page = Elements(client.get(url).text)
        filters = [form for form in page.find("form") if form.attrs.get("method") == "get"]
        assert filters, url
        assert all("app-no-print" in form.classes for form in filters), url


def print_rules(css: str) -> list[tuple[set[str], str]]:
    """(selectors, declarations) of each rule inside the @media print blocks."""
    rules = []
    for block in re.finditer(r"@media print\s*\{((?:[^{}]*\{[^{}]*\})*)\s*\}", css):
        for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", block.group(1)):
            rules.append(({s.strip() for s in selectors.split(",")}, declarations))
    return rules


def test_built_stylesheet_hides_navigation_filters_buttons_and_skip_links_in_print():
    hidden: set[str] = set()
    for selectors, declarations in print_rules(APP_CSS.read_text(encoding="utf-8")):
        if re.search(r"display:\s*none\s*!important", declarations):
            hidden |= selectors
    for selector in (
        ".govuk-service-navigation",
        ".govuk-footer",
        ".govuk-skip-link",
        ".govuk-button",
        ".moj-filter-layout__filter",
        ".app-no-print",
    ):
        assert selector in hidden


def test_built_stylesheet_lets_report_tables_fit_the_page_in_print():
    rules = print_rules(APP_CSS.read_text(encoding="utf-8"))
    scroll = [d for s, d in rules if ".app-table-scroll" in s]
    assert any("overflow:visible" in d.replace(" ", "") for d in scroll)
    rows = [d for s, d in rules if ".govuk-table__row" in s]
    assert any("break-inside:avoid" in d.replace(" ", "") for d in rows)
