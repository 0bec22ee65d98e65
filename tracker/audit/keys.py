"""The audit keys: secrets kept outside the database that sign the audit hash chain.

`AUDIT_KEY` signs new events and checkpoints under the id `AUDIT_KEY_ID`; retired keys
stay in `AUDIT_OLD_KEYS` ("id:secret,id:secret") so events they signed still verify.
Someone who can write to the database but does not hold a key cannot recompute the chain
after editing or deleting events.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context

from config import parse_audit_old_keys


@dataclass(frozen=True)
class AuditKeys:
    """The key new events are signed with (if any) and every key that may verify one."""

    current_id: str | None = None
    secrets: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def current(self) -> bytes | None:
        return self.secrets.get(self.current_id) if self.current_id else None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AuditKeys:
        """The keys named by AUDIT_KEY, AUDIT_KEY_ID and AUDIT_OLD_KEYS."""
        secrets = {
            key_id: secret.encode()
            for key_id, secret in parse_audit_old_keys(config.get("AUDIT_OLD_KEYS") or "").items()
        }
        current = config.get("AUDIT_KEY") or ""
        if not current:
            return cls(None, secrets)
        current_id = str(config.get("AUDIT_KEY_ID") or "1")
        secrets[current_id] = current.encode()
        return cls(current_id, secrets)

    @classmethod
    def for_app(cls) -> AuditKeys:
        """The running application's keys (none outside an application context)."""
        return cls.from_config(current_app.config) if has_app_context() else cls()


def keyed_digest(secret: bytes, message: bytes) -> str:
    """HMAC-SHA-256 of `message` under `secret`, as 64 hex digits."""
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
