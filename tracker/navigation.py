"""The service navigation: which sections each user sees (the server refuses the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for

from tracker import policy


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    blueprint: str | None = None


def navigation_for(user: Any) -> list[dict[str, Any]]:
    """govukServiceNavigation items for `user`, with the current section marked."""
    if not policy.is_signed_in(user):
        return []
    items = [
        NavItem("Home", "main.home", "main"),
        NavItem("Actions", "actions.index", "actions"),
        NavItem("Dashboard", "actions.dashboard", None),
        NavItem("Meetings", "meetings.index", "meetings"),
        NavItem("Requests", "adhoc_requests.index", "adhoc_requests"),
        NavItem("Panel", "panel_items.index", "panel_items"),
        NavItem("HMICFRS", "hmicfrs.index", "hmicfrs"),
        NavItem("Reports", "reports.index", "reports"),
    ]
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
    dedicated = {item.endpoint for item in items if item.blueprint is None}
    return [
        {
            "href": url_for(item.endpoint),
            "text": item.text,
            "active": request.endpoint == item.endpoint
            or (current == item.blueprint and request.endpoint not in dedicated),
        }
        for item in items
        if item.endpoint in current_app.view_functions
    ]
