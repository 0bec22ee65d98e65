"""Pages for written responses: the force drafts and submits, the OPCC reviews.

The same four pages serve the Chief Constable's response to an ad-hoc request
(/requests/N/written-response...) and comments on an HMICFRS report
(/hmicfrs/N/cc-comments...). Each loads the request or report as the source pages do
(404 when invisible) and refuses, with 403, whoever may not write or review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import policy
from tracker.attachments.forms import upload_limit
from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.responses import services
from tracker.responses.forms import AcceptForm, DraftForm, SendBackForm
from tracker.responses.models import ResponseState
from tracker.security import permission_required
from tracker.sources.models import AdhocRequest, HmicfrsReport

bp = Blueprint("responses", __name__)

# The model, the path of the draft page and the URL argument, per kind of subject.
KINDS: dict[str, tuple[type, str, str]] = {
    "request": (AdhocRequest, "/requests/<int:request_id>/written-response", "request_id"),
    "report": (HmicfrsReport, "/hmicfrs/<int:report_id>/cc-comments", "report_id"),
}


def _subject_page(subject: Any) -> str:
    if isinstance(subject, AdhocRequest):
        return url_for("adhoc_requests.show", request_id=subject.id)
    return url_for("hmicfrs.show", report_id=subject.id)


def _title(subject: Any) -> str:
    return subject.subject if isinstance(subject, AdhocRequest) else subject.title


def _load(model: type, subject_id: int, allowed: Callable[[Any, Any], bool]) -> Any:
    subject = get_source_or_404(model, subject_id)
    if not allowed(current_user, subject):
        abort(403)
    return subject


def _render(template: str, subject: Any, form: Any, **extra: Any) -> str:
    if extra.get("conflict"):  # saving again is a deliberate choice on the current version
        form.based_on.data = services.based_on(services.latest_for(subject))
    return render_template(
        template,
        subject=subject,
        subject_title=_title(subject),
        subject_url=_subject_page(subject),
        kind_label=services.kind_label(subject),
        exchange=services.exchange_for(current_user, subject),
        due_on=services.due_on(subject),
        form=form,
        upload_limit=upload_limit(),
        **extra,
    )


def draft(model: type, subject_id: int):
    """The force writes the response: save a draft, or submit it to the OPCC."""
    subject = _load(model, subject_id, policy.can_write_response)
    latest = services.latest_for(subject)
    form = DraftForm()
    if request.method == "GET":
        form.based_on.data = services.based_on(latest)
        if latest is not None:
            form.text.data = latest.text  # a sent-back version is the start of the next
    # A POST goes on to the service, which refuses a stale form with 409 and keeps the text.
    done = latest is not None and latest.state in (ResponseState.SUBMITTED, ResponseState.ACCEPTED)
    if request.method == "GET" and done:
        flash(f"Version {latest.number} is {latest.state.in_sentence}: nothing to draft", "info")
        return redirect(_subject_page(subject))
    submitting = bool(form.submit_response.data)
    change = services.submit if submitting else services.save_draft
    return save_form(
        form,
        lambda: change(
            subject,
            form.text.data,
            by=current_user,
            based_on_token=form.based_on.data or "",
            files=form.files.prepared,
        ),
        render=lambda **extra: _render("responses/draft.html", subject, form, **extra),
        saved=lambda saved: (
            f"Version {saved.number} submitted to the OPCC"
            if submitting
            else f"Draft of version {saved.number} saved"
        ),
        redirect_to=lambda _: _subject_page(subject),
        errors_on={services.ResponseRuleError: "text"},
    )


def review(model: type, subject_id: int):
    """The submitted version, with the forms to accept it or send it back."""
    subject = _load(model, subject_id, policy.can_review_response)
    latest = services.latest_for(subject)
    if latest is None or latest.state != ResponseState.SUBMITTED:
        flash("There is no submitted response awaiting review", "info")
        return redirect(_subject_page(subject))
    return _review_page(subject)()


def _review_page(subject: Any, **forms: Any) -> Callable[..., str]:
    def render(**extra: Any) -> str:
        latest = services.latest_for(subject)
        accept_form = forms.get("accept_form") or AcceptForm(formdata=None, prefix="accept")
        send_back_form = forms.get("send_back_form") or SendBackForm(
            formdata=None, prefix="send_back"
        )
        token = services.based_on(latest)
        for form in (accept_form, send_back_form):
            if extra.get("conflict") or not form.based_on.data:
                form.based_on.data = token
        return render_template(
            "responses/review.html",
            subject=subject,
            subject_title=_title(subject),
            subject_url=_subject_page(subject),
            kind_label=services.kind_label(subject),
            exchange=services.exchange_for(current_user, subject),
            due_on=services.due_on(subject),
            response=latest,
            accept_form=accept_form,
            send_back_form=send_back_form,
            form=forms.get("accept_form") or forms.get("send_back_form"),
            **extra,
        )

    return render


def accept(model: type, subject_id: int):
    """Record the OPCC's conclusion: accepted, or sent back when not assured."""
    subject = _load(model, subject_id, policy.can_review_response)
    form = AcceptForm(prefix="accept")
    return save_form(
        form,
        lambda: services.accept(
            subject,
            method=form.method.data,
            verdict=form.verdict.data,
            note=form.note.data or "",
            by=current_user,
            based_on_token=form.based_on.data or "",
        ),
        render=_review_page(subject, accept_form=form),
        saved=lambda saved: (
            f"Version {saved.number} accepted"
            if saved.state == ResponseState.ACCEPTED
            else f"Version {saved.number} not assured: sent back to the force"
        ),
        redirect_to=lambda _: _subject_page(subject),
        errors_on={services.ResponseRuleError: "note"},
    )


def send_back(model: type, subject_id: int):
    """Return the submitted version to the force with a reason."""
    subject = _load(model, subject_id, policy.can_review_response)
    form = SendBackForm(prefix="send_back")
    return save_form(
        form,
        lambda: services.send_back(
            subject,
            form.reason.data or "",
            by=current_user,
            based_on_token=form.based_on.data or "",
        ),
        render=_review_page(subject, send_back_form=form),
        saved=lambda saved: f"Version {saved.number} sent back to the force",
        redirect_to=lambda _: _subject_page(subject),
        errors_on={services.ResponseRuleError: "reason"},
    )


def _register() -> None:
    """The same four pages for requests and for reports."""
    for kind, (model, path, arg) in KINDS.items():
        for name, view, suffix, methods in (
            ("draft", draft, "", ["GET", "POST"]),
            ("review", review, "/review", ["GET"]),
            ("accept", accept, "/accept", ["POST"]),
            ("send_back", send_back, "/send-back", ["POST"]),
        ):

            def handler(view=view, model=model, arg=arg, **kwargs: int):
                return view(model, kwargs[arg])

            bp.add_url_rule(
                path + suffix,
                f"{kind}_{name}",
                permission_required(policy.is_signed_in)(handler),
                methods=methods,
            )


_register()
