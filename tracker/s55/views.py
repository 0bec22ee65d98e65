"""Pages for the PCC's s.55 response to an HMICFRS report.

/hmicfrs/N/s55 shows the response (OPCC staff: the current version with what they may do
next; everyone else: the published version only), and the POSTs beside it draft, edit,
submit, approve, publish and record the sending of it. Each loads the report as the
source pages do (404 when invisible) and checks the policy again in the service.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import policy
from tracker.clock import today
from tracker.deadlines import s55_comments_due
from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.reports.render import pdf_download
from tracker.reports.word import docx_download
from tracker.s55 import services
from tracker.s55.forms import (
    DraftForm,
    PublishForm,
    SentForm,
    StepForm,
    action_field,
    reason_field,
    text_form_for,
)
from tracker.s55.models import S55Response
from tracker.s55.output import document_for, file_name, s55_docx, s55_pdf
from tracker.s55.queries import met_deadline
from tracker.security import permission_required
from tracker.sources.models import HmicfrsReport

bp = Blueprint("s55", __name__, url_prefix="/hmicfrs")


def shown_to(user: Any, report: HmicfrsReport) -> S55Response | None:
    """The version `user` sees: OPCC staff the current one, others the latest published."""
    return _shown(user, services.versions_for(report))


def _shown(user: Any, versions: list[S55Response]) -> S55Response | None:
    if not policy.is_opcc(user):
        versions = [v for v in versions if v.public]
    return versions[-1] if versions else None


def s55_summary(report: HmicfrsReport) -> dict[str, Any]:
    """For the report page: the deadline, whether it was met and the version shown."""
    versions = services.versions_for(report)
    response = _shown(current_user, versions)
    first_published = min((v.published_on for v in versions if v.public), default=None)
    deadline = s55_comments_due(report.published_on)
    return {
        "response": response,
        "deadline": deadline,
        "published_on": first_published,
        "met": met_deadline(first_published, deadline.due, today()),
        "may_view": policy.can_view_s55(current_user, response),
    }


def _load(report_id: int) -> tuple[HmicfrsReport, S55Response | None]:
    report = get_source_or_404(HmicfrsReport, report_id)
    response = shown_to(current_user, report)
    if not policy.can_view_s55(current_user, response):
        abort(403)
    return report, response


def _show_url(report: HmicfrsReport) -> str:
    return url_for("s55.show", report_id=report.id)


def _render_show(report: HmicfrsReport, response: S55Response | None, **forms: Any) -> str:
    version = str(response.version) if response else "0"
    draft_form = forms.get("draft_form") or DraftForm(formdata=None, version=version)
    step_form = forms.get("step_form") or StepForm(formdata=None, version=version)
    publish_form = forms.get("publish_form") or PublishForm(formdata=None, version=version)
    sent_form = forms.get("sent_form") or SentForm(formdata=None, version=version)
    if forms.get("conflict") and response is not None:
        for form in (step_form, publish_form, sent_form):
            form.version.data = version
    summary = s55_summary(report)
    return render_template(
        "s55/show.html",
        report=report,
        response=response,
        document=document_for(response) if response else None,
        summary=summary,
        versions=services.versions_for(report) if policy.is_opcc(current_user) else [],
        draft_form=draft_form,
        step_form=step_form,
        publish_form=publish_form,
        sent_form=sent_form,
        form=forms.get("form"),
        conflict=forms.get("conflict"),
        no_action=services.NO_ACTION,
    )


@bp.route("/<int:report_id>/s55")
@permission_required(policy.is_signed_in)
def show(report_id: int):
    report, response = _load(report_id)
    return _render_show(report, response)


def _current_or_say_none(report: HmicfrsReport) -> S55Response | None:
    response = services.current_for(report)
    if response is None:
        flash("No s.55 response has been drafted yet", "info")
    return response


@bp.route("/<int:report_id>/s55/draft", methods=["POST"])
@permission_required(policy.can_draft_s55)
def draft(report_id: int):
    """Draft a new version from the tracker's data, with one click."""
    report, response = _load(report_id)
    form = DraftForm()
    return save_form(
        form,
        lambda: services.build_draft(
            report, by=current_user, include_afis=bool(form.include_afis.data)
        ),
        render=lambda **extra: _render_show(report, response, draft_form=form, form=form, **extra),
        saved=lambda made: f"Version {made.number} of the s.55 response drafted",
        redirect_to=lambda made: url_for("s55.edit", report_id=report.id),
        invalid_status=400,
        rule_status=409,
    )


@bp.route("/<int:report_id>/s55/edit", methods=["GET", "POST"])
@permission_required(policy.can_draft_s55)
def edit(report_id: int):
    """Edit the comments and, per finding, the action taken or the reason none is."""
    report, _ = _load(report_id)
    response = _current_or_say_none(report)
    if response is None:
        return redirect(_show_url(report))
    if request.method == "GET" and response.state.frozen:
        flash(
            f"Version {response.number} is {response.state.in_sentence}: its text is frozen",
            "info",
        )
        return redirect(_show_url(report))
    form = text_form_for(response)
    if request.method == "GET":
        form.version.data = str(response.version)
        form.cc_comments.data = response.cc_comments
        form.pcc_comments.data = response.pcc_comments
        for entry in response.entries:
            form[action_field(entry.id)].data = entry.action_text
            form[reason_field(entry.id)].data = entry.no_action_reason
    return save_form(
        form,
        lambda: services.save_text(
            response,
            cc_comments=form.cc_comments.data or "",
            pcc_comments=form.pcc_comments.data or "",
            entries={
                entry.id: (
                    form[action_field(entry.id)].data or "",
                    form[reason_field(entry.id)].data or "",
                )
                for entry in response.entries
            },
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "s55/edit.html", report=report, response=response, form=form, **extra
        ),
        saved=f"Version {response.number} of the s.55 response saved",
        redirect_to=lambda _: _show_url(report),
        record=response,
        rule_status=409,
    )


def _step(report_id: int, form_class: type, change, saved: str, form_key: str):
    report, _ = _load(report_id)
    response = _current_or_say_none(report)
    if response is None:
        return redirect(_show_url(report))
    form = form_class()
    return save_form(
        form,
        lambda: change(response, form),
        render=lambda **extra: _render_show(
            report, response, **{form_key: form, "form": form}, **extra
        ),
        saved=saved,
        redirect_to=lambda _: _show_url(report),
        record=response,
        invalid_status=400,
        rule_status=409,
    )


@bp.route("/<int:report_id>/s55/submit", methods=["POST"])
@permission_required(policy.can_draft_s55)
def submit(report_id: int):
    return _step(
        report_id,
        StepForm,
        lambda response, form: services.submit(
            response, by=current_user, expected_version=form.version_number()
        ),
        "Submitted for approval",
        "step_form",
    )


@bp.route("/<int:report_id>/s55/approve", methods=["POST"])
@permission_required(policy.can_approve_s55)
def approve(report_id: int):
    return _step(
        report_id,
        StepForm,
        lambda response, form: services.approve(
            response, by=current_user, expected_version=form.version_number()
        ),
        "Approved for the PCC: the text is now frozen",
        "step_form",
    )


@bp.route("/<int:report_id>/s55/publish", methods=["POST"])
@permission_required(policy.can_draft_s55)
def publish(report_id: int):
    return _step(
        report_id,
        PublishForm,
        lambda response, form: services.publish(
            response,
            published_on=form.published_on.data,
            url=form.url.data or "",
            by=current_user,
            expected_version=form.version_number(),
        ),
        "Publication recorded",
        "publish_form",
    )


@bp.route("/<int:report_id>/s55/sent", methods=["POST"])
@permission_required(policy.can_draft_s55)
def sent(report_id: int):
    return _step(
        report_id,
        SentForm,
        lambda response, form: services.record_sent(
            response,
            to_hmicfrs_on=form.to_hmicfrs_on.data,
            to_home_secretary_on=form.to_home_secretary_on.data,
            by=current_user,
            expected_version=form.version_number(),
        ),
        "Sent dates recorded",
        "sent_form",
    )


@bp.route("/<int:report_id>/s55.pdf")
@permission_required(policy.is_signed_in)
def pdf(report_id: int):
    report, response = _load(report_id)
    if response is None:
        flash("No s.55 response has been drafted yet", "info")
        return redirect(_show_url(report))
    return pdf_download(s55_pdf(response), filename=file_name(response, "pdf"))


@bp.route("/<int:report_id>/s55.docx")
@permission_required(policy.is_signed_in)
def docx(report_id: int):
    report, response = _load(report_id)
    if response is None:
        flash("No s.55 response has been drafted yet", "info")
        return redirect(_show_url(report))
    return docx_download(s55_docx(response), filename=file_name(response, "docx"))
