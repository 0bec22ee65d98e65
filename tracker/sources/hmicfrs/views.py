"""HMICFRS inspection reports and their findings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hmicfrs", __name__, url_prefix="/hmicfrs")
