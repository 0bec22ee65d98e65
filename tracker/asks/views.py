"""The "What the OPCC has asked for" page for force users."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from tracker.asks.providers import asks_for
from tracker.clock import today
from tracker.policy import can_view_asks
from tracker.security import permission_required

bp = Blueprint("asks", __name__)


@bp.route("/asked")
@permission_required(can_view_asks)
def index():
    day = today()
    asks = asks_for(current_user, day)
    return render_template(
        "asks/index.html",
        asks=asks,
        overdue=sum(1 for ask in asks if ask.days_overdue),
        today=day,
    )
