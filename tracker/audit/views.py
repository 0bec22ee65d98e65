"""Browsing the audit trail (OPCC officers and administrators)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.audit.chain import chain_status
from tracker.audit.checkpoint import CheckpointError, verify_audit_trail
from tracker.audit.display import describe_events
from tracker.audit.models import AuditEvent
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.clock import local_zone
from tracker.db import db
from tracker.forms import EmptyForm, whole_number
from tracker.policy import can_verify_audit, can_view_audit
from tracker.security import permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50


@bp.route("/")
@permission_required(can_view_audit)
def index():
    entity_type = request.args.get("entity_type", "").strip()[:40]
    actor_id = whole_number(request.args.get("actor"))
    since = _day(request.args.get("from"))
    until = _day(request.args.get("to"))
    page = max(whole_number(request.args.get("page"), max_digits=6) or 1, 1)
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since:
        query = query.where(AuditEvent.occurred_at >= _start_of(since))
    if until:
        query = query.where(AuditEvent.occurred_at < _start_of(until + timedelta(days=1)))
    query = query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    events = db.session.scalars(query).all()
    has_next = len(events) > PAGE_SIZE
    stored_types = db.session.scalars(select(AuditEvent.entity_type).distinct()).all()
    entity_types = sorted(
        ((value, _entity_label(value)) for value in stored_types), key=lambda pair: pair[1]
    )
    people = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template(
        "audit/index.html",
        entries=describe_events(events[:PAGE_SIZE]),
        page=page,
        has_next=has_next,
        entity_type=entity_type,
        entity_types=entity_types,
        people=people,
        filters={
            "entity_type": entity_type or None,
            "actor": actor_id,
            "from": since.isoformat() if since else None,
            "to": until.isoformat() if until else None,
        },
    )


@bp.route("/integrity", methods=["GET", "POST"])
@permission_required(can_verify_audit)
def integrity():
    """Chain counts on every view; the full hash check when an administrator asks."""
    form = EmptyForm()
    connection = db.session.connection()
    report = problem = None
    if form.validate_on_submit():
        try:
            report, _ = verify_audit_trail(connection)
        except CheckpointError as error:
            problem = str(error)
    return render_template(
        "audit/integrity.html",
        form=form,
        status=chain_status(connection),
        report=report,
        checkpoint_problem=problem,
    )


def _entity_label(value: str) -> str:
    """A stored record type in words ("Ad-hoc request"); an unknown one as it is stored."""
    try:
        return AuditEntity(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the tracker's time zone, as an instant."""
    return datetime.combine(day, time.min, tzinfo=local_zone())
