"""The A&A programme pages: the timetable, a meeting's state and papers, lines of
enquiry, public questions, actions brought to a meeting, and the meeting kinds list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import policy
from tracker.actions.models import Action
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.errors import ConflictError, RuleError
from tracker.forms import EmptyForm
from tracker.loaders import get_source_or_404
from tracker.programme import forms, queries, services
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.security import permission_required
from tracker.sources.models import Meeting, MeetingKind

bp = Blueprint("programme", __name__)


def _meeting_url(meeting_id: int, anchor: str | None = None) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _anchor=anchor)


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = get_source_or_404(Meeting, meeting_id)
    if not policy.can_manage_programme(current_user):
        abort(403)
    return meeting


def _line_or_404(line_id: int) -> LineOfEnquiry:
    """404 when missing or invisible to the user."""
    line = db.session.get(LineOfEnquiry, line_id)
    if line is None or not policy.can_view_line_of_enquiry(current_user, line):
        abort(404)
    return line


def _version_form(form_class: type, record: object) -> forms.VersionedForm:
    form = form_class(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version)
    return form


# The timetable ---------------------------------------------------------------------------


@bp.route("/programme/timetable")
@permission_required(policy.can_view_lists)
def timetable():
    years = queries.timetable_years(current_user, today())
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else queries.financial_year_of(today())
    return render_template(
        "programme/timetable.html",
        rows=queries.timetable(current_user, year, today()),
        year=year,
        years=[(y, queries.financial_year_label(y)) for y in years],
        year_label=queries.financial_year_label(year),
    )


# A meeting's state and papers -----------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@permission_required(policy.can_manage_programme)
def record_held(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.HeldForm()
    if form.validate_on_submit():
        try:
            services.record_held(
                meeting, by=current_user, today=today(), expected_version=form.version_number()
            )
        except (RuleError, ConflictError) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "error")
        else:
            db.session.commit()
            flash("Meeting recorded as held", "success")
    return redirect(_meeting_url(meeting.id))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = _version_form(forms.CancelMeetingForm, meeting)
    return save_form(
        form,
        lambda: services.cancel_meeting(
            meeting,
            form.cancel_reason.data,
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "programme/cancel.html", form=form, meeting=meeting, **extra
        ),
        saved="Meeting cancelled",
        redirect_to=lambda _: _meeting_url(meeting.id),
        record=meeting,
    )


@bp.route("/meetings/<int:meeting_id>/papers", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def papers(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = _version_form(forms.PapersReceivedForm, meeting)
    return save_form(
        form,
        lambda: services.record_papers_received(
            meeting,
            form.papers_received_on.data,
            by=current_user,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "programme/papers.html",
            form=form,
            meeting=meeting,
            papers=queries.papers_due([meeting], today())[0],
            **extra,
        ),
        saved="Papers saved",
        redirect_to=lambda _: _meeting_url(meeting.id),
        record=meeting,
    )


# Lines of enquiry ------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/lines/new", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def new_line(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.QuestionForm()
    return save_form(
        form,
        lambda: services.add_line_of_enquiry(
            meeting, form.question.data, opcc_only=bool(form.opcc_only.data), by=current_user
        ),
        render=lambda **extra: render_template(
            "programme/line_form.html", form=form, meeting=meeting, line=None, step="question"
        ),
        saved="Line of enquiry added",
        redirect_to=lambda line: _meeting_url(meeting.id, f"line-{line.id}"),
    )


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def edit_line(line_id: int):
    line = _line_or_404(line_id)
    form = _version_form(forms.QuestionForm, line)
    return _line_page(
        line,
        form,
        "question",
        lambda: services.edit_line_question(
            line,
            form.question.data,
            opcc_only=bool(form.opcc_only.data),
            by=current_user,
            expected_version=form.version_number(),
        ),
        "Line of enquiry saved",
    )


@bp.route("/lines/<int:line_id>/answer", methods=["GET", "POST"])
@permission_required(policy.can_view_lists)
def answer_line(line_id: int):
    line = _line_or_404(line_id)
    if not policy.can_answer_line_of_enquiry(current_user, line):
        abort(403)
    form = _version_form(forms.AnswerForm, line)
    return _line_page(
        line,
        form,
        "answer",
        lambda: services.answer_line(
            line, form.answer.data, by=current_user, expected_version=form.version_number()
        ),
        "Answer saved",
    )


@bp.route("/lines/<int:line_id>/conclude", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def conclude_line(line_id: int):
    line = _line_or_404(line_id)
    if not policy.can_conclude_line_of_enquiry(current_user, line):
        abort(403)
    form = _version_form(forms.ConclusionForm, line)
    return _line_page(
        line,
        form,
        "conclusion",
        lambda: services.conclude_line(
            line,
            form.conclusion.data or "",
            by=current_user,
            expected_version=form.version_number(),
        ),
        "Conclusion saved",
    )


def _line_page(line: LineOfEnquiry, form, step: str, save, saved: str):
    return save_form(
        form,
        save,
        render=lambda **extra: render_template(
            "programme/line_form.html",
            form=form,
            meeting=line.meeting,
            line=line,
            step=step,
            **extra,
        ),
        saved=saved,
        redirect_to=lambda _: _meeting_url(line.meeting_id, f"line-{line.id}"),
        record=line,
    )


# Public questions ------------------------------------------------------------------------


def _question_fields(form: forms.PublicQuestionForm) -> dict:
    return {
        "question": form.question.data,
        "asked_by": form.asked_by.data or "",
        "answer": form.answer.data or "",
        "published": bool(form.published.data),
    }


@bp.route("/meetings/<int:meeting_id>/public-questions/new", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def new_public_question(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.PublicQuestionForm()
    return save_form(
        form,
        lambda: services.save_public_question(meeting, _question_fields(form), by=current_user),
        render=lambda **extra: render_template(
            "programme/public_question_form.html", form=form, meeting=meeting, question=None
        ),
        saved="Public question recorded",
        redirect_to=lambda _: _meeting_url(meeting.id, "public-questions"),
    )


@bp.route("/public-questions/<int:question_id>/edit", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def edit_public_question(question_id: int):
    question = db.session.get(PublicQuestion, question_id)
    if question is None:
        abort(404)
    form = _version_form(forms.PublicQuestionForm, question)
    return save_form(
        form,
        lambda: services.save_public_question(
            question.meeting,
            _question_fields(form),
            by=current_user,
            question=question,
            expected_version=form.version_number(),
        ),
        render=lambda **extra: render_template(
            "programme/public_question_form.html",
            form=form,
            meeting=question.meeting,
            question=question,
            **extra,
        ),
        saved="Public question saved",
        redirect_to=lambda _: _meeting_url(question.meeting_id, "public-questions"),
        record=question,
    )


# Actions brought to a meeting -----------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/bring", methods=["GET", "POST"])
@permission_required(policy.can_manage_programme)
def bring_action(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.BringActionForm()

    def save():
        action = db.session.scalar(
            select(Action).where(Action.reference == (form.reference.data or "").upper())
        )
        if action is None or not policy.can_view_action(current_user, action):
            raise services.ProgrammeRuleError(
                "There is no action with that reference", field="reference"
            )
        return services.bring_action(meeting, action, by=current_user)

    return save_form(
        form,
        save,
        render=lambda **extra: render_template("programme/bring.html", form=form, meeting=meeting),
        saved=lambda brought: f"{brought.action.reference} brought to matters arising",
        redirect_to=lambda _: _meeting_url(meeting.id, "brought"),
    )


@bp.route("/meetings/<int:meeting_id>/brought/<int:action_id>/remove", methods=["POST"])
@permission_required(policy.can_manage_programme)
def remove_brought(meeting_id: int, action_id: int):
    meeting = _meeting_or_404(meeting_id)
    brought = db.session.get(BroughtAction, (meeting.id, action_id))
    if brought is not None and EmptyForm().validate_on_submit():
        services.remove_brought_action(brought, by=current_user)
        db.session.commit()
        flash("Action taken off matters arising", "success")
    return redirect(_meeting_url(meeting_id, "brought"))


# Meeting kinds (administrators) ----------------------------------------------------------


def _kind_or_404(kind_id: int) -> MeetingKind:
    kind = db.session.get(MeetingKind, kind_id)
    if kind is None:
        abort(404)
    return kind


@bp.route("/admin/settings/meeting-kinds", methods=["GET", "POST"])
@permission_required(policy.can_manage_meeting_kinds)
def kinds():
    form = forms.MeetingKindForm()
    return save_form(
        form,
        lambda: services.add_meeting_kind(form.name.data, by=current_user),
        render=lambda **extra: render_template(
            "programme/kinds.html", form=form, kinds=queries.all_kinds()
        ),
        saved=lambda kind: f"“{kind.name}” added",
        redirect_to=lambda _: url_for("programme.kinds"),
    )


@bp.route("/admin/settings/meeting-kinds/<int:kind_id>/edit", methods=["GET", "POST"])
@permission_required(policy.can_manage_meeting_kinds)
def rename_kind(kind_id: int):
    kind = _kind_or_404(kind_id)
    form = forms.MeetingKindForm(obj=kind)
    return save_form(
        form,
        lambda: services.rename_meeting_kind(kind, form.name.data, by=current_user),
        render=lambda **extra: render_template("programme/kind_form.html", form=form, kind=kind),
        saved=lambda _: f"Renamed to “{kind.name}”",
        redirect_to=lambda _: url_for("programme.kinds"),
    )


@bp.route("/admin/settings/meeting-kinds/<int:kind_id>/retire", methods=["POST"])
@permission_required(policy.can_manage_meeting_kinds)
def retire_kind(kind_id: int):
    return _set_kind_active(kind_id, active=False)


@bp.route("/admin/settings/meeting-kinds/<int:kind_id>/restore", methods=["POST"])
@permission_required(policy.can_manage_meeting_kinds)
def restore_kind(kind_id: int):
    return _set_kind_active(kind_id, active=True)


def _set_kind_active(kind_id: int, *, active: bool):
    kind = _kind_or_404(kind_id)
    if EmptyForm().validate_on_submit():
        services.set_meeting_kind_active(kind, active, by=current_user)
        db.session.commit()
        flash(f"“{kind.name}” {'restored' if active else 'retired'}", "success")
    return redirect(url_for("programme.kinds"))


@bp.route("/admin/settings/meeting-kinds/<int:kind_id>/delete", methods=["POST"])
@permission_required(policy.can_manage_meeting_kinds)
def delete_kind(kind_id: int):
    kind = _kind_or_404(kind_id)
    if EmptyForm().validate_on_submit():
        name = kind.name
        try:
            services.delete_meeting_kind(kind, by=current_user)
        except services.ProgrammeRuleError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"“{name}” deleted", "success")
    return redirect(url_for("programme.kinds"))
