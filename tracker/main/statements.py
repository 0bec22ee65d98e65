"""Dates the accessibility statement and the privacy notice state about themselves.

Change them when the statement or the notice is reviewed (the regulations expect the
accessibility statement to be reviewed at least once a year), in the same commit as
the words that changed.
"""

from __future__ import annotations

from datetime import date

ACCESSIBILITY_STATEMENT_PREPARED_ON = date(2026, 11, 30)
# The browser tests check every page with axe on each run; this is the last full review
# (keyboard, zoom and screen reader checks by hand) the statement reports.
ACCESSIBILITY_LAST_TESTED_ON = date(2026, 11, 30)
PRIVACY_NOTICE_UPDATED_ON = date(2026, 11, 30)
