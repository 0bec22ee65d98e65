"""Ad-hoc A&A requests emailed to the Chief Constable and answered in writing."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("adhoc_requests", __name__, url_prefix="/requests")
