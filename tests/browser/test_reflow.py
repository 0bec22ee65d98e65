"""Reflow (WCAG 1.4.10): no page scrolls sideways at 320 CSS pixels or at 200% zoom.

One walk signs in as each role with the demo data loaded and opens every page the
authorization matrix lets that role open, at 320 px wide. Wide tables may scroll
inside their own focusable region, but the page itself must not. Every page is also
scanned by axe (see conftest.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, url_for
from sqlalchemy import select

from tests.security.matrix import GET, MATRIX, OK, PUBLIC
from tracker import policy
from tracker.actions.models import ActionUpdate, Marking
from tracker.actions.queries import visible_actions
from tracker.attachments.models import Attachment
from tracker.auth.models import ROLE_ORGANISATION, Role, User
from tracker.auth.services import make_password_token
from tracker.db import db
from tracker.imports.models import ImportBatch
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.publication.models import PublicationRecord
from tracker.publication.queries import public_meetings
from tracker.reminders.models import OutboxMessage, OutboxStatus
from tracker.reports.models import ReportJob, ReportJobStatus
from tracker.settings.models import Tag, TagList
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    MeetingKind,
    PanelItem,
    PanelMeeting,
    WorkProgrammeItem,
)
from tracker.sources.queries import visible_sources
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

# Demo accounts (tracker/demo/cli.py) by matrix identity.
DEMO_ACCOUNTS = {
    "opcc_officer": ("priya.shah@opcc.example.org", "orchard-kettle-officer-demo"),
    "force_liaison": ("sam.taylor@police.example.org", "granite-meadow-liaison-demo"),
    "panel_clerk": ("chris.evans@council.example.org", "willow-compass-clerk-demo"),
    "admin": ("admin@opcc.example.org", "harbour-lantern-admin-demo"),
}

# Endpoints that answer with a file or JSON rather than a page.
NOT_PAGES = {
    "actions.export",
    "attachments.download",
    "calendar.feed",
    "calendar.timetable",
    "public.feed",
    "imports.template",
    "main.healthz",
    "main.healthz_detail",
    "reports.actions_pdf",
    "reports.export_sources",
    "reports.hmicfrs_pdf",
    "reports.job_download",
    "reports.job_status",
    "reports.matters_pdf",
    "reports.panel_docx",
    "reports.panel_pdf",
    "s55.docx",
    "s55.pdf",
    "reports.programme_docx",
    "reports.programme_pdf",
}

# Pages every signed-in user may open for their own record, which the matrix lists as
# hidden because its world's record belongs to someone else.
OWN_RECORD_PAGES = {"reports.job"}

# Long unbroken strings, to show they wrap rather than push the page wider.
LONG_EMAIL = "a.very.long.mailbox.name.for.reflow@long-subdomain.police.example.org"

# The widest element that sticks out of the viewport, outside any scrolling region.
WIDEST_OFFENDER = """
() => {
  const limit = window.innerWidth;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  };
  let worst = null;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 0.5 || clipped(el)) continue;
    if (!worst || box.right > worst.right) worst = {el, right: box.right, width: box.width};
  }
  if (!worst) return "none found";
  const el = worst.el;
  const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  const text = (el.innerText || "").trim().slice(0, 60);
  const right = Math.round(worst.right), width = Math.round(worst.width);
  return `${name} (right edge ${right} px, ${width} px wide): "${text}"`;
}
"""


def _first_id(statement) -> int | None:
    return db.session.scalars(statement.limit(1)).first()


def _url_values(app: Flask, identity: str) -> dict[str, Any]:
    """A value for every URL parameter, pointing at records this role may open."""
    email = DEMO_ACCOUNTS[identity][0]
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        action = db.session.scalars(visible_actions(user).limit(1)).first()

        def source_id(model: type) -> int | None:
            return _first_id(visible_sources(user, model).with_only_columns(model.id))

        report_id = source_id(HmicfrsReport)
        finding_id = _first_id(select(Finding.id).where(Finding.report_id == report_id))
        # Records of this user's own: an update still open to correction, a prepared
        # report, and for the administrator screens a reminder and an import.
        update = ActionUpdate(action_id=action.id, author_id=user.id, text="Progress so far")
        job = ReportJob(
            requested_by_id=user.id,
            kind="panel",
            title="Police and Crime Panel follow-up report",
            status=ReportJobStatus.READY,
            filename="panel-follow-up.pdf",
            output=b"%PDF-1.7",
        )
        message = OutboxMessage(
            run_on=date(2026, 1, 5),
            recipient_id=user.id,
            to_address=LONG_EMAIL,
            subject="Reminder: actions due soon",
            text_body="Actions are due.",
            html_body="<p>Actions are due.</p>",
            marking=Marking.OFFICIAL,
            status=OutboxStatus.FAILED,
            attempts=3,
            last_error="connection refused by " + LONG_EMAIL,
        )
        batch = ImportBatch(
            created_by_id=user.id,
            target="actions",
            options={"source_type": "meeting", "source_id": source_id(Meeting), "existing": "skip"},
            filename="actions.csv",
            content=b"Reference,Title,Owner,Due date\r\nIMP-1,Imported,Someone,2030-01-31\r\n",
        )
        tag = db.session.scalars(select(Tag).limit(1)).first() or Tag(
            tag_list=TagList.PLAN_OBJECTIVE, name="Reassuring communities"
        )
        db.session.add_all([update, job, message, batch, tag])
        db.session.commit()
        return {
            "action_id": action.id,
            "update_id": update.id,
            "source_type": "meeting",
            "source_id": source_id(Meeting),
            "request_id": source_id(AdhocRequest),
            "report_id": report_id,
            "finding_id": finding_id,
            "meeting_id": source_id(Meeting),
            "item_id": source_id(PanelItem),
            "panel_meeting_id": source_id(PanelMeeting),
            "topic_id": _first_id(select(WorkProgrammeItem.id)),
            "message_id": message.id,
            "key": "amber_days",
            "tag_id": tag.id,
            "tag_list": TagList.PLAN_OBJECTIVE.value,
            "user_id": _first_id(select(User.id).where(User.id != user.id)),
            "batch_id": batch.id,
            "job_id": job.id,
            "kind_id": _first_id(select(MeetingKind.id)),
            # A line this user may open and that is still open to an answer.
            "line_id": _first_id(
                select(LineOfEnquiry.id).where(
                    policy.line_of_enquiry_visibility(user), LineOfEnquiry.conclusion == ""
                )
            ),
            "question_id": _first_id(select(PublicQuestion.id)),
            "precept_id": _first_id(select(PreceptYear.id)),
            "appointment_id": _first_id(select(ChiefConstableAppointment.id)),
            "review_id": _first_id(select(AnnualReportReview.id)),
            "publication_id": _first_id(select(PublicationRecord.id)),
            # A file this user may replace (the demo's evidence files).
            "attachment_id": next(
                (
                    a.id
                    for a in db.session.scalars(select(Attachment).order_by(Attachment.id))
                    if policy.can_replace_attachment(user, a)
                ),
                None,
            ),
        }


def _public_pages(app: Flask) -> list[str]:
    """The pages for people who are not signed in, with working tokens."""
    with app.app_context():
        invited = User(
            name="Invited Person",
            email=LONG_EMAIL,
            role=Role.FORCE_LIAISON,
            organisation=ROLE_ORGANISATION[Role.FORCE_LIAISON],
        )
        db.session.add(invited)
        db.session.commit()
        reset_for = db.session.scalars(select(User).where(User.id != invited.id)).first()
        # The most recent meeting on the public pages (the demo publishes some).
        public_meeting = db.session.scalars(public_meetings()).first()
        values = {
            "auth.accept_invite": {"token": make_password_token(invited, "invite")},
            "auth.reset_password": {"token": make_password_token(reset_for, "reset")},
            "public.meeting": {"meeting_id": public_meeting.id},
        }
    with app.test_request_context():
        return [
            url_for(endpoint, **values.get(endpoint, {}))
            for (endpoint, method), expect in MATRIX.items()
            if method == GET and expect.anonymous == PUBLIC and endpoint not in NOT_PAGES
        ]


def _pages_for(app: Flask, identity: str) -> list[tuple[str, str]]:
    """(endpoint, path) of every page `identity` may open."""
    endpoints = sorted(
        endpoint
        for (endpoint, method), expect in MATRIX.items()
        if method == GET
        and endpoint not in NOT_PAGES
        and expect.anonymous != PUBLIC
        and (getattr(expect, identity) == OK or endpoint in OWN_RECORD_PAGES)
    )
    values = _url_values(app, identity)
    pages = []
    with app.test_request_context():
        for endpoint in endpoints:
            rule = next(app.url_map.iter_rules(endpoint))
            arguments = {name: values[name] for name in rule.arguments}
            assert None not in arguments.values(), f"no demo record for {endpoint}"
            pages.append((endpoint, url_for(endpoint, **arguments)))
    return pages


def _overflow(ui) -> str | None:
    """None when the page fits the viewport, else what sticks out."""
    page_width, viewport = ui.page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if page_width <= viewport:
        return None
    return f"{page_width} px wide in {viewport} px; widest: {ui.page.evaluate(WIDEST_OFFENDER)}"


def _open(ui, path: str) -> None:
    response = ui.page.goto(ui.server.url + path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    assert "text/html" in response.headers.get("content-type", ""), f"{path} is not a page"
    ui.settle()


def test_no_page_scrolls_sideways_at_320_px(ui, app, runner):
    runner.invoke(args=["seed-demo"])
    ui.page.set_viewport_size({"width": 320, "height": 800})
    problems = []
    for identity, (email, password) in DEMO_ACCOUNTS.items():
        pages = _pages_for(app, identity)
        ui.sign_in(email, password)
        for endpoint, path in pages:
            _open(ui, path)
            if found := _overflow(ui):
                problems.append(f"{identity} {endpoint} {path}: {found}")
        ui.page.context.clear_cookies()  # signed out (the menu is folded away at 320 px)
    for path in _public_pages(app):
        _open(ui, path)
        if found := _overflow(ui):
            problems.append(f"anonymous {path}: {found}")
    assert not problems, "pages scroll sideways at 320 px:\n" + "\n".join(problems)


def test_key_pages_fit_at_200_percent_zoom(ui, runner):
    """1280 px at 200% zoom lays out like a 640 px wide window."""
    runner.invoke(args=["seed-demo"])
    ui.page.set_viewport_size({"width": 640, "height": 400})
    ui.sign_in(*DEMO_ACCOUNTS["opcc_officer"])
    problems = []
    for path in ("/", "/actions/", "/reports/panel"):
        _open(ui, path)
        if found := _overflow(ui):
            problems.append(f"{path}: {found}")
    assert not problems, "pages scroll sideways at 200% zoom:\n" + "\n".join(problems)


def test_action_tables_stay_inside_the_page_column_at_1280_px(ui, runner):
    runner.invoke(args=["seed-demo"])
    ui.page.set_viewport_size({"width": 1280, "height": 800})
    ui.sign_in(*DEMO_ACCOUNTS["opcc_officer"])
    for path in ("/", "/actions/"):
        _open(ui, path)
        assert _overflow(ui) is None, path
        outside = ui.page.evaluate(
            """() => [...document.querySelectorAll(".app-table-scroll")]
                .filter(region => {
                  const column = region.parentElement.getBoundingClientRect();
                  const box = region.getBoundingClientRect();
                  return box.left < column.left - 0.5 || box.right > column.right + 0.5;
                })
                .map(region => region.getAttribute("aria-label"))"""
        )
        assert ui.page.locator(".app-table-scroll").count() > 0, path
        assert outside == [], f"{path}: tables outside the page column: {outside}"
    # The home page's tables have the full page width: they fit without scrolling.
    _open(ui, "/")
    scrolling = ui.page.evaluate(
        """() => [...document.querySelectorAll(".app-table-scroll")]
            .filter(region => region.scrollWidth > region.clientWidth)
            .map(region => region.getAttribute("aria-label"))"""
    )
    assert scrolling == [], f"tables that scroll at 1280 px: {scrolling}"
