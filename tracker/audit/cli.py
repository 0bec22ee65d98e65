"""`flask audit ...`: checks on the audit trail."""

from __future__ import annotations

from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Check the audit trail.")
