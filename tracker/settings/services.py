"""The registry of administrator-editable settings, with defaults, and access to them;
and the changes administrators make to the reference lists actions are tagged from."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker.actions.models import action_tags
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.settings.definitions import (
    DEFINITIONS,
    SettingDefinition,
    T,
)
from tracker.settings.models import Setting, Tag, TagList


def setting(definition: SettingDefinition[T]) -> T:
    """The current value of a setting, typed, or its default (read once per request or job)."""
    return all_settings()[definition.key]


def get_setting(key: str) -> Any:
    """The current value of the setting named `key` (for screens that list them all)."""
    return all_settings()[key]


def all_settings() -> dict[str, Any]:
    """Every setting's current value, typed: one query, then cached for the app context."""
    cached = g.get("_tracker_settings")
    if cached is None:
        # Two plain columns rather than Setting objects: read on every request.
        stored = dict(db.session.execute(db.select(Setting.key, Setting.value)).all())
        cached = {
            key: d.coerce(stored[key]) if key in stored else d.default
            for key, d in DEFINITIONS.items()
        }
        g._tracker_settings = cached
    return cached


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
    g.pop("_tracker_settings", None)  # later reads in this request see the new value
    record(
        actor=by,
        entity_type=AuditEntity.SETTING,
        entity_id=None,
        action="updated",
        summary=DEFINITIONS[key].label,
        changes={key: [old, value]},
    )


# Reference lists (tags) ------------------------------------------------------------------
# Tags are never deleted: actions keep the tags they were given. A retired tag
# (active=False) is simply no longer offered on the action form.

TAG_NAME_MAX = 120


class DuplicateTagError(ValueError):
    """Another tag in the same list already has this name (ignoring case); `name` is
    that tag's name as stored."""

    def __init__(self, name: str) -> None:
        super().__init__(f"“{name}” is already in this list")
        self.name = name


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _check_unique(tag_list: TagList, name: str, *, ignore_id: int | None = None) -> None:
    """Refuse a name already used in `tag_list` (the lists are short: compare in Python,
    so the rule is the same on SQLite and PostgreSQL)."""
    names = db.session.execute(select(Tag.id, Tag.name).where(Tag.tag_list == tag_list)).all()
    for tag_id, existing in names:
        if tag_id != ignore_id and _same_name(existing, name):
            raise DuplicateTagError(existing)


def _flush_or_duplicate(name: str) -> None:
    """Flush, turning the database's unique-name refusal into a DuplicateTagError."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise DuplicateTagError(name) from error


def tags_by_list() -> dict[TagList, list[Tag]]:
    """Every tag, grouped by list in declaration order; active first, then by name."""
    grouped: dict[TagList, list[Tag]] = {tag_list: [] for tag_list in TagList}
    query = select(Tag).order_by(Tag.active.desc(), func.lower(Tag.name), Tag.id)
    for tag in db.session.scalars(query):
        grouped[tag.tag_list].append(tag)
    return grouped


def tag_usage_counts() -> dict[int, int]:
    """How many actions use each tag (one grouped query; unused tags are missing)."""
    query = select(action_tags.c.tag_id, func.count()).group_by(action_tags.c.tag_id)
    return {tag_id: count for tag_id, count in db.session.execute(query).all()}


def add_tag(tag_list: TagList, name: str, *, by: Any) -> Tag:
    """Add a tag to a list (the caller has checked permission and validated the name)."""
    name = name.strip()
    _check_unique(tag_list, name)
    tag = Tag(tag_list=tag_list, name=name, active=True)
    db.session.add(tag)
    _flush_or_duplicate(name)
    record(
        actor=by,
        entity_type=AuditEntity.TAG,
        entity_id=tag.id,
        action="created",
        summary=f"{tag_list.label}: {name}",
        changes=diff({}, {"tag_list": tag_list, "name": name, "active": True}),
    )
    return tag


def rename_tag(tag: Tag, name: str, *, by: Any) -> bool:
    """Rename a tag; False (and no audit event) when the name is unchanged."""
    name = name.strip()
    if name == tag.name:
        return False
    _check_unique(tag.tag_list, name, ignore_id=tag.id)
    old = tag.name
    tag.name = name
    _flush_or_duplicate(name)
    record(
        actor=by,
        entity_type=AuditEntity.TAG,
        entity_id=tag.id,
        action="renamed",
        summary=f"{tag.tag_list.label}: {name}",
        changes=diff({"name": old}, {"name": name}),
    )
    return True


def set_tag_active(tag: Tag, active: bool, *, by: Any) -> bool:
    """Retire (active=False) or restore a tag; False when it is already in that state."""
    if tag.active == active:
        return False
    tag.active = active
    record(
        actor=by,
        entity_type=AuditEntity.TAG,
        entity_id=tag.id,
        action="restored" if active else "retired",
        summary=f"{tag.tag_list.label}: {tag.name}",
        changes=diff({"active": not active}, {"active": active}),
    )
    return True


REFERENCE_LISTS: dict[TagList, tuple[str, ...]] = {
    TagList.PLAN_OBJECTIVE: (
        "Putting victims and survivors first",
        "Building a more secure West Mercia",
        "Reforming West Mercia",
        "Reassuring West Mercia's communities",
    ),
    TagList.NATIONAL_PRIORITY: (
        "Reduce murder and other homicide",
        "Reduce serious violence",
        "Disrupt drugs supply and county lines",
        "Reduce neighbourhood crime",
        "Improve victim satisfaction, with a focus on victims of domestic abuse",
        "Tackle cyber crime",
    ),
    TagList.LOCAL_AREA: (
        "Herefordshire",
        "Shropshire",
        "Telford and Wrekin",
        "North Worcestershire",
        "South Worcestershire",
    ),
}


def seed_reference_lists() -> int:
    """Add the standard reference lists' entries that are missing (names compared ignoring
    case; retired entries count as present); returns how many were added. The caller
    commits. Seeded tags are not audited: they are set-up data, not anyone's change."""
    existing = {
        (tag_list, name.casefold())
        for tag_list, name in db.session.execute(select(Tag.tag_list, Tag.name)).all()
    }
    added = 0
    for tag_list, names in REFERENCE_LISTS.items():
        for name in names:
            if (tag_list, name.casefold()) not in existing:
                db.session.add(Tag(tag_list=tag_list, name=name, active=True))
                existing.add((tag_list, name.casefold()))
                added += 1
    db.session.flush()
    return added
