"""Reminder screens: each user's preferences and the administrators' outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import policy
from tracker.audit.services import record
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.forms import EmptyForm
from tracker.pagination import page_of
from tracker.reminders import sender
from tracker.reminders.forms import PreferencesForm
from tracker.reminders.models import OutboxMessage, OutboxStatus, ReminderItem
from tracker.reminders.preferences import set_opt_outs, turned_off_for
from tracker.reminders.rules import OPTIONAL_GROUPS
from tracker.security import permission_required

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

PAGE_SIZE = 50
STATUS_TAGS = {
    OutboxStatus.PENDING: "govuk-tag--blue",
    OutboxStatus.SENT: "govuk-tag--green",
    OutboxStatus.FAILED: "govuk-tag--red",
}


@bp.route("/preferences", methods=["GET", "POST"])
@permission_required(policy.is_signed_in)
def preferences():
    form = PreferencesForm()
    if request.method == "GET":
        off = turned_off_for(current_user)
        form.wanted.data = [group.value for group in OPTIONAL_GROUPS if group.value not in off]
    if form.validate_on_submit():
        set_opt_outs(current_user, form.turned_off())
        db.session.commit()
        flash("Reminder preferences saved", "success")
        return redirect(url_for("reminders.preferences"))
    return render_template("reminders/preferences.html", form=form)


@bp.route("/outbox")
@permission_required(policy.can_view_outbox)
def outbox():
    status = _status_arg(request.args.get("status"))
    page = _page_arg(request.args.get("page"))
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    shown = page_of(query, page, PAGE_SIZE)
    messages = db.session.scalars(
        shown.apply(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    ).all()
    return render_template(
        "reminders/outbox.html",
        messages=messages,
        statuses=list(OutboxStatus),
        status=status,
        status_tags=STATUS_TAGS,
        page=shown,
        total=shown.total,
        filters={"status": status.value if status else None},
    )


@bp.route("/outbox/<int:message_id>")
@permission_required(policy.can_view_outbox)
def message(message_id: int):
    outbox_message = _message_or_404(message_id)
    items = db.session.scalars(
        select(ReminderItem)
        .where(ReminderItem.message_id == outbox_message.id)
        .order_by(ReminderItem.occurrence, ReminderItem.rule, ReminderItem.id)
    ).all()
    return render_template(
        "reminders/message.html",
        message=outbox_message,
        items=items,
        status_tags=STATUS_TAGS,
        can_resend=outbox_message.status == OutboxStatus.FAILED,
    )


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@permission_required(policy.can_view_outbox)
def resend_message(message_id: int):
    outbox_message = _message_or_404(message_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if outbox_message.status != OutboxStatus.FAILED:
        flash("Only a message that failed can be sent again", "warning")
        return redirect(url_for("reminders.message", message_id=outbox_message.id))
    before = {"status": outbox_message.status.value, "attempts": outbox_message.attempts}
    sender.resend(outbox_message)
    record(
        actor=current_user,
        entity_type=AuditEntity.OUTBOX,
        entity_id=outbox_message.id,
        action="resend_requested",
        summary=outbox_message.subject[:200],
        changes={
            "status": [before["status"], outbox_message.status.value],
            "attempts": [before["attempts"], outbox_message.attempts],
        },
    )
    db.session.commit()
    flash("Message queued to be sent again", "success")
    return redirect(url_for("reminders.message", message_id=outbox_message.id))


def _message_or_404(message_id: int) -> OutboxMessage:
    outbox_message = db.session.get(
        OutboxMessage, message_id, options=[selectinload(OutboxMessage.recipient)]
    )
    if outbox_message is None:
        abort(404)
    return outbox_message


def _status_arg(value: str | None) -> OutboxStatus | None:
    """The status filter; anything that is not a status means no filter."""
    return next((s for s in OutboxStatus if s.value == value), None)


def _page_arg(value: str | None) -> int:
    """A page number from 1; anything else is page 1."""
    text = (value or "").strip()
    return max(int(text), 1) if text.isascii() and text.isdigit() and len(text) < 7 else 1
