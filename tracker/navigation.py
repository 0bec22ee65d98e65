"""The service navigation: which sections each user sees (the server refuses the rest)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from tracker import policy

log = logging.getLogger(__name__)

# Names of tracker.actions.queries.navigation_lists, as the navigation words them.
LIST_TEXT = {"mine": "My actions", "awaiting_assurance": "Awaiting assurance"}


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    blueprint: str | None = None
    # For a link to a filtered list: its URL arguments (active only on that list).
    args: dict[str, Any] = field(default_factory=dict)


def navigation_for(user: Any) -> list[dict[str, Any]]:
    """govukServiceNavigation items for `user`, with the current section marked."""
    if not policy.is_signed_in(user):
        return []
    items = [
        NavItem("Home", "main.home", "main"),
        *_ask_items(user),
        NavItem("Actions", "actions.index", "actions"),
        *_list_items(user),
        NavItem("Dashboard", "actions.dashboard", None),
        NavItem("Meetings", "meetings.index", "meetings"),
        NavItem("Requests", "adhoc_requests.index", "adhoc_requests"),
        NavItem("Panel", "panel_items.index", "panel_items"),
        NavItem("HMICFRS", "hmicfrs.index", "hmicfrs"),
        NavItem("Reports", "reports.index", "reports"),
    ]
    if policy.can_view_statutory(user):
        items.append(NavItem("Statutory calendar", "statutory.index", "statutory"))
    if policy.can_view_publication_register(user):
        items.append(NavItem("Publication", "publication.index", "publication"))
    if policy.can_import(user):
        items.append(NavItem("Import", "imports.index", "imports"))
    if policy.can_view_audit(user):
        items.append(NavItem("Audit trail", "audit.index", "audit"))
    if policy.can_manage_users(user):
        items.append(NavItem("Users", "users.index", "users"))
    if policy.can_manage_settings(user):
        items.append(NavItem("Settings", "settings.index", "settings"))
    if policy.can_view_outbox(user):
        items.append(NavItem("Outbox", "reminders.outbox", None))
    current = request.blueprint
    on_list = next((item for item in items if item.args and _showing(item)), None)
    dedicated = {item.endpoint for item in items if item.blueprint is None and not item.args}
    return [
        {
            "href": url_for(item.endpoint, **item.args),
            "text": item.text,
            "active": _showing(item)
            if item.args
            else on_list is None
            and (
                request.endpoint == item.endpoint
                or (current == item.blueprint and request.endpoint not in dedicated)
            ),
        }
        for item in items
        if item.endpoint in current_app.view_functions
    ]


def _showing(item: NavItem) -> bool:
    """The page shown is exactly the list `item` links to."""
    wanted = {
        name: sorted(value if isinstance(value, list) else [str(value)])
        for name, value in item.args.items()
    }
    shown = {name: sorted(request.args.getlist(name)) for name in request.args}
    return request.endpoint == item.endpoint and shown == wanted


def _ask_items(user: Any) -> list[NavItem]:
    """The force's "Asked for (N)": every open ask it must answer (tracker.asks)."""
    if not policy.can_view_asks(user):
        return []
    from tracker.asks.providers import count_asks
    from tracker.clock import today
    from tracker.db import db

    try:
        count = count_asks(user, today())
    except SQLAlchemyError:
        log.warning("ask count not read", exc_info=True)
        db.session.rollback()
        return [NavItem("Asked for", "asks.index", "asks")]
    return [NavItem(f"Asked for ({count})", "asks.index", "asks")]


def _list_items(user: Any) -> list[NavItem]:
    """Links to `user`'s action lists, each with its size: "My actions (4)".

    One statement per page. The counts are a convenience: if they cannot be read (the
    error page after a database failure), the links are shown without them.
    """
    from tracker.actions.queries import navigation_counts, navigation_lists
    from tracker.clock import today
    from tracker.db import db
    from tracker.settings.definitions import AMBER_DAYS
    from tracker.settings.services import setting

    lists = navigation_lists(user)
    if not lists:
        return []
    try:
        counts = navigation_counts(user, lists, today=today(), amber_days=setting(AMBER_DAYS))
    except SQLAlchemyError:
        log.warning("navigation counts not read", exc_info=True)
        db.session.rollback()  # so the rest of the page can still read (PostgreSQL)
        counts = {}
    return [
        NavItem(
            f"{LIST_TEXT[name]} ({counts[name]})" if name in counts else LIST_TEXT[name],
            "actions.index",
            None,
            filters.to_args(),
        )
        for name, filters in lists.items()
    ]
