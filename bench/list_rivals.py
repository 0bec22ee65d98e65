"""What the action list page is measured against, for ``bench.actions_bench --compare``.

* the floor: the same rows and columns as the list page (reference, title, source,
  owner, due date, status, RAG, days overdue, latest update), read with hand-written
  SQL and written out with string joins: no ORM, no Jinja, no layout;
* the bare layout: an empty page in the app's layout (header, navigation, footer), so
  "within 3x the floor plus the layout" can be checked;
* Flask-Admin: a ModelView over the same table and rows (page size 25, sorted by due
  date then id, the owner joined; it shows no latest update), when Flask-Admin is
  installed (the ``bench`` optional dependencies). Without it the comparison says so
  and skips that column.

The routes are added to the bench's own app before its first request and are never
part of the tracker itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from flask import Flask, render_template, request
from markupsafe import escape
from sqlalchemy import bindparam, text

PAGE_SIZE = 25
FLOOR_PREFIX = "/bench/floor"
LAYOUT_URL = "/bench/layout"
ADMIN_PREFIX = "/bench/admin"

BARE_LAYOUT = '{% extends "layout.html" %}{% block title %}Bench{% endblock %}'


@dataclass(frozen=True)
class ListScenario:
    """One list, as the app, the floor and Flask-Admin each ask for it."""

    name: str
    app_url: str
    floor_url: str
    admin_url: str


LIST_SCENARIOS = [
    ListScenario("list, default", "/actions/", FLOOR_PREFIX, f"{ADMIN_PREFIX}/all/"),
    ListScenario(
        "list, page 20",
        "/actions/?page=20",
        f"{FLOOR_PREFIX}?page=20",
        f"{ADMIN_PREFIX}/all/?page=19",  # Flask-Admin counts pages from 0
    ),
    ListScenario(
        "open+overdue by due",
        "/actions/?status=open&overdue=1",
        f"{FLOOR_PREFIX}?overdue=1",
        f"{ADMIN_PREFIX}/overdue/",
    ),
]

# The floor's statements, all (overdue=False) or open and overdue (overdue=True).
_COUNT = {
    False: "SELECT count(*) FROM actions a",
    True: "SELECT count(*) FROM actions a WHERE a.status = 'open' AND a.due_on < :today",
}
_ROWS = {
    False: "SELECT a.id, a.reference, a.title, a.source_type, u.name, a.lead_role,"
    " a.due_on, a.status FROM actions a JOIN users u ON u.id = a.owner_id"
    " ORDER BY a.due_on, a.id LIMIT :limit OFFSET :offset",
    True: "SELECT a.id, a.reference, a.title, a.source_type, u.name, a.lead_role,"
    " a.due_on, a.status FROM actions a JOIN users u ON u.id = a.owner_id"
    " WHERE a.status = 'open' AND a.due_on < :today"
    " ORDER BY a.due_on, a.id LIMIT :limit OFFSET :offset",
}


def _floor_page(today: date, amber_days: int) -> str:
    """The list's rows as a bare HTML table, from three hand-written statements."""
    from tracker.db import db

    overdue = request.args.get("overdue") == "1"
    page = max(int(request.args.get("page", "1")), 1)
    parameters: dict[str, Any] = {"today": today.isoformat()}
    connection = db.session.connection()
    total = connection.execute(text(_COUNT[overdue]), parameters).scalar_one()
    rows = connection.execute(
        text(_ROWS[overdue]),
        {**parameters, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE},
    ).all()
    latest: dict[int, tuple[Any, str]] = {}
    if rows:
        newest = text(
            "SELECT action_id, created_at, text FROM action_updates WHERE id IN"
            " (SELECT max(id) FROM action_updates WHERE action_id IN :ids"
            " AND trim(text) != '' GROUP BY action_id)"
        ).bindparams(bindparam("ids", expanding=True))
        ids = [row[0] for row in rows]
        for action_id, created_at, update_text in connection.execute(newest, {"ids": ids}):
            latest[action_id] = (created_at, update_text)
    out = [f"<p>{total} actions</p><table>"]
    for action_id, reference, title, source, owner, lead_role, due_on, status in rows:
        due = due_on if isinstance(due_on, date) else date.fromisoformat(due_on)
        complete = status in ("implemented", "closed", "withdrawn", "superseded")
        late = 0 if complete else max((today - due).days, 0)
        rag = (
            "complete"
            if complete
            else "red"
            if late
            else "amber"
            if (due - today).days <= amber_days
            else "green"
        )
        update = latest.get(action_id)
        note = f"<br>{escape(update[0])}: {escape(update[1][:120])}" if update else ""
        out.append(
            f'<tr><td><a href="/actions/{action_id}">{escape(reference)}</a></td>'
            f"<td>{escape(title)}{note}</td><td>{escape(source)}</td>"
            f"<td>{escape(owner)}<br>{escape(lead_role or '')}</td>"
            f"<td>{due.isoformat()} {late or ''}</td><td>{escape(status)}</td>"
            f"<td>{rag}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def install(app: Flask) -> list[str]:
    """Add the floor, bare-layout and (if installed) Flask-Admin routes to `app`.

    Returns notes to print, such as why Flask-Admin is skipped."""
    from tracker.clock import today
    from tracker.settings.definitions import AMBER_DAYS
    from tracker.settings.services import setting

    def floor() -> str:
        return _floor_page(today(), setting(AMBER_DAYS))

    # Compiled once, as the app's own templates are: render_template_string would
    # compile it on every request and charge that to the layout.
    bare_layout_template = app.jinja_env.from_string(BARE_LAYOUT)

    def bare_layout() -> str:
        return render_template(bare_layout_template)

    app.add_url_rule(FLOOR_PREFIX, "bench_floor", floor)
    app.add_url_rule(LAYOUT_URL, "bench_layout", bare_layout)
    return _install_flask_admin(app)


def flask_admin_installed() -> bool:
    try:
        import flask_admin  # noqa: F401
    except ImportError:
        return False
    return True


def _install_flask_admin(app: Flask) -> list[str]:
    if not flask_admin_installed():
        return [
            'Flask-Admin column skipped: Flask-Admin is not installed (pip install -e ".[bench]")'
        ]
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from sqlalchemy import func

    from tracker.actions.models import Action, ActionStatus
    from tracker.clock import today
    from tracker.db import db

    class ActionsView(ModelView):
        """The same columns and order as the tracker's list; nothing editable."""

        can_create = can_edit = can_delete = False
        page_size = PAGE_SIZE
        column_list = ("reference", "title", "source_type", "owner.name", "due_on", "status")
        column_default_sort: ClassVar = [("due_on", False), ("id", False)]
        column_select_related_list = (Action.owner,)  # joined, not one query per owner

    class OverdueView(ActionsView):
        """Open actions past their due date (the tracker's status=open&overdue=1)."""

        def _overdue(self, query: Any) -> Any:
            return query.where(Action.status == ActionStatus.OPEN, Action.due_on < today())

        def get_query(self) -> Any:
            return self._overdue(super().get_query())

        def get_count_query(self) -> Any:
            return self._overdue(self.session.query(func.count("*")).select_from(Action))

    admin = Admin(app, name="Bench", url=ADMIN_PREFIX, endpoint="bench_admin")
    admin.add_view(ActionsView(Action, db.session, endpoint="bench_all", url="all"))
    admin.add_view(OverdueView(Action, db.session, endpoint="bench_overdue", url="overdue"))
    return []
