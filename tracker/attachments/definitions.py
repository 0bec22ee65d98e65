"""The owner kinds: which records files can be attached to, and who may see and add them.

A feature registers each kind of record that takes files once, at import time (see
the package docstring of `tracker.attachments` for the whole recipe). The policy
functions `can_view_attachment` and `can_replace_attachment` read this registry, so an
attachment is visible exactly when its owner record is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (user, owner_id) -> bool. The user may be anonymous; the owner may no longer exist.
OwnerCheck = Callable[[Any, int], bool]


@dataclass(frozen=True)
class OwnerKind:
    """One kind of record files can be attached to.

    - `name`: stored in `attachments.owner_kind` (never change it once files exist).
    - `label`: the record in words, e.g. "Progress update".
    - `can_view(user, owner_id)`: the user may see the record (and so its files).
    - `can_attach(user, owner_id)`: the user may add files to the record (and replace
      their own).
    - `link(owner_id)`: the address of the page that shows the record and its files.
    - `audit_target(owner_id)`: (audit entity type, id) the upload is recorded against,
      so it appears in that record's history.
    """

    name: str
    label: str
    can_view: OwnerCheck
    can_attach: OwnerCheck
    link: Callable[[int], str]
    audit_target: Callable[[int], tuple[str, int]]


OWNER_KINDS: dict[str, OwnerKind] = {}


def register_owner_kind(kind: OwnerKind) -> OwnerKind:
    """Declare a kind of record that takes files (registering the same name again
    replaces the entry, so a module imported twice is harmless)."""
    OWNER_KINDS[kind.name] = kind
    return kind


def owner_kind(name: str) -> OwnerKind | None:
    """The registered kind called `name`, or None."""
    return OWNER_KINDS.get(name)
