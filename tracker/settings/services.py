"""The registry of administrator-editable settings, with defaults, and access to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.audit.services import record
from tracker.db import db
from tracker.settings.models import Setting


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    label: str
    hint: str
    default: Any
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None


DEFINITIONS: dict[str, SettingDefinition] = {
    d.key: d
    for d in (
        SettingDefinition(
            "amber_days",
            "Amber warning (days before due)",
            "An action due within this many days shows as amber.",
            14,
            minimum=0,
            maximum=365,
        ),
        SettingDefinition(
            "adhoc_response_period",
            "Ad-hoc request response period",
            "How long the Chief Constable has to answer an ad-hoc request.",
            10,
            minimum=1,
            maximum=365,
        ),
        SettingDefinition(
            "adhoc_response_unit",
            "Ad-hoc response period counted in",
            "Working days skip weekends and England and Wales bank holidays.",
            "working_days",
            choices=(("working_days", "Working days"), ("calendar_days", "Calendar days")),
        ),
        SettingDefinition(
            "update_grace_minutes",
            "Minutes an update can be corrected",
            "After this, updates can no longer be edited by their author.",
            15,
            minimum=0,
            maximum=1440,
        ),
    )
}


def get_setting(key: str) -> Any:
    """The current value of a setting, or its default."""
    definition = DEFINITIONS[key]
    stored = db.session.get(Setting, key)
    return definition.default if stored is None else stored.value


def all_settings() -> dict[str, Any]:
    """Every setting's current value, in one query."""
    stored = {s.key: s.value for s in db.session.scalars(db.select(Setting))}
    return {key: stored.get(key, d.default) for key, d in DEFINITIONS.items()}


def set_setting(key: str, value: Any, *, by: Any) -> None:
    """Change a setting (the caller has checked permission and validated the value)."""
    stored = db.session.get(Setting, key)
    old = DEFINITIONS[key].default if stored is None else stored.value
    if old == value:
        return
    if stored is None:
        db.session.add(Setting(key=key, value=value, updated_by_id=getattr(by, "id", None)))
    else:
        stored.value = value
        stored.updated_by_id = getattr(by, "id", None)
    record(
        actor=by,
        entity_type="setting",
        entity_id=None,
        action="updated",
        summary=DEFINITIONS[key].label,
        changes={key: [old, value]},
    )
