"""The search everything page: one box, hits grouped by kind, each linking to a page its
reader may open."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from tracker import policy
from tracker.search.models import SearchKind
from tracker.search.queries import QUERY_MAX, Hit, search_everything
from tracker.security import permission_required

bp = Blueprint("search", __name__)


@bp.route("/search")
@permission_required(policy.can_view_lists)
def index():
    q = " ".join((request.args.get("q") or "").split())
    too_long = len(q) > QUERY_MAX
    groups = [] if too_long else search_everything(current_user, q)
    return render_template(
        "search/index.html", q=q, groups=groups, too_long=too_long, query_max=QUERY_MAX
    )


def hit_url(hit: Hit) -> str:
    """The page that shows the record of `hit`."""
    record = hit.record
    if hit.kind == SearchKind.ACTION:
        return url_for("actions.show", action_id=record.id)
    if hit.kind == SearchKind.MEETING:
        return url_for("meetings.show", meeting_id=record.id)
    if hit.kind == SearchKind.ADHOC_REQUEST:
        return url_for("adhoc_requests.show", request_id=record.id)
    if hit.kind == SearchKind.PANEL_ITEM:
        return url_for("panel_items.show", item_id=record.id)
    if hit.kind == SearchKind.HMICFRS_REPORT:
        return url_for("hmicfrs.show", report_id=record.id)
    return url_for("hmicfrs.show", report_id=record.report_id, _anchor=f"finding-{record.id}")


@bp.app_template_global("search_hit_url")
def _search_hit_url(hit: Hit) -> str:
    return hit_url(hit)
