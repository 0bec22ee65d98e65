"""Browsing the audit trail (OPCC officers and administrators)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.policy import can_view_audit
from tracker.security import permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50


@bp.route("/")
@permission_required(can_view_audit)
def index():
    entity_type = request.args.get("entity_type", "").strip()[:40]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    query = query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    events = db.session.scalars(query).all()
    has_next = len(events) > PAGE_SIZE
    entity_types = db.session.scalars(
        select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)
    ).all()
    return render_template(
        "audit/index.html",
        events=events[:PAGE_SIZE],
        page=page,
        has_next=has_next,
        entity_type=entity_type,
        entity_types=entity_types,
    )
