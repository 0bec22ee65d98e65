"""HMICFRS inspection reports and their findings."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters
from tracker.clock import today
from tracker.db import db
from tracker.deadlines import s55_comments_due
from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.policy import can_edit_source, can_view_lists
from tracker.security import permission_required
from tracker.sources import services
from tracker.sources.hmicfrs.forms import FindingForm, ReportForm
from tracker.sources.listing import action_counts, actions_for
from tracker.sources.models import Finding, HmicfrsReport
from tracker.sources.pages import SourcePages
from tracker.sources.queries import visible_sources

bp = Blueprint("hmicfrs", __name__, url_prefix="/hmicfrs")


def _visible_findings(report_ids: list[int]) -> list[Finding]:
    """The findings of these reports the current user may see."""
    query = visible_sources(current_user, Finding).where(Finding.report_id.in_(report_ids))
    return list(db.session.scalars(query.order_by(Finding.id)))


def _report_counts(reports: list[HmicfrsReport]) -> dict[int, Counter]:
    """Visible findings and visible actions per report."""
    findings = _visible_findings([r.id for r in reports])
    per_finding = action_counts(
        current_user, Action.finding_id, [f.id for f in findings], today=today()
    )
    counts: dict[int, Counter] = {r.id: Counter() for r in reports}
    for finding in findings:
        counts[finding.report_id]["findings"] += 1
        counts[finding.report_id]["actions"] += per_finding[finding.id]["total"]
    return counts


def _grouped(findings: list[Finding]) -> dict[str, Any]:
    """Causes of concern with the findings under them, then every other finding."""
    causes = [f for f in findings if f.kind.is_cause_of_concern]
    cause_ids = {f.id for f in causes}
    under: dict[int, list[Finding]] = defaultdict(list)
    others = []
    for finding in findings:
        if finding.parent_id in cause_ids and not finding.kind.is_cause_of_concern:
            under[finding.parent_id].append(finding)
        elif not finding.kind.is_cause_of_concern:
            others.append(finding)
    return {"causes": causes, "under": under, "others": others}


def _actions_by_finding(findings: list[Finding]) -> tuple[dict[str, Any], dict[int, list]]:
    """The visible actions of these findings (never every action when there are none)."""
    if not findings:
        return {"rows": [], "latest": {}, "counts": Counter(), "total": 0}, {}
    filters = ActionFilters(finding_ids=[f.id for f in findings])
    actions = actions_for(current_user, filters, today=today())
    by_finding: dict[int, list] = defaultdict(list)
    for row in actions["rows"]:
        by_finding[row.Action.finding_id].append(row)
    return actions, by_finding


@bp.route("/")
@permission_required(can_view_lists)
def index():
    query = visible_sources(current_user, HmicfrsReport).order_by(
        HmicfrsReport.published_on.desc(), HmicfrsReport.id.desc()
    )
    reports = list(db.session.scalars(query))
    return render_template(
        "sources/hmicfrs/index.html",
        reports=reports,
        counts=_report_counts(reports),
        today=today(),
    )


class ReportPages(SourcePages):
    model = HmicfrsReport
    form_class = ReportForm
    folder = "hmicfrs"
    name = "report"
    id_arg = "report_id"
    saved_message = "Report saved"

    def created_message(self, source: HmicfrsReport) -> str:
        return f"Report {source.code} recorded"

    def make_form(self, source: HmicfrsReport | None) -> ReportForm:
        return ReportForm(report=source)  # fills itself, version included, from the report

    def show_context(self, source: HmicfrsReport) -> dict[str, Any]:
        findings = _visible_findings([source.id])
        actions, by_finding = _actions_by_finding(findings)
        return {
            "deadline": s55_comments_due(source.published_on),
            "findings": _grouped(findings),
            "actions": actions,
            "by_finding": by_finding,
            "today": today(),
        }


ReportPages().register(bp)


def _render_finding_form(
    form: FindingForm, report: HmicfrsReport, finding: Finding | None, **extra
):
    return render_template(
        "sources/hmicfrs/finding_form.html", form=form, report=report, finding=finding, **extra
    )


@bp.route("/<int:report_id>/findings/new", methods=["GET", "POST"])
@permission_required(can_edit_source)
def new_finding(report_id: int):
    report = get_source_or_404(HmicfrsReport, report_id, need="edit")
    form = FindingForm(report=report)
    return save_form(
        form,
        lambda: services.create_source(
            Finding, {"report_id": report.id, **form.fields_for_model()}, by=current_user
        ),
        render=lambda **extra: _render_finding_form(form, report, None, **extra),
        saved=lambda finding: f"Finding {finding.reference} added",
        redirect_to=_finding_url,
    )


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@permission_required(can_edit_source)
def edit_finding(finding_id: int):
    finding = get_source_or_404(Finding, finding_id, need="edit")
    report = finding.report
    form = FindingForm(report=report, finding=finding)
    return save_form(
        form,
        lambda: services.edit_source(
            finding,
            form.fields_for_model(),
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: _render_finding_form(form, report, finding, **extra),
        saved=lambda _: f"Finding {finding.reference} saved",
        redirect_to=lambda _: _finding_url(finding),
        record=finding,
    )


def _finding_url(finding: Finding) -> str:
    return url_for("hmicfrs.show", report_id=finding.report_id, _anchor=f"finding-{finding.id}")
