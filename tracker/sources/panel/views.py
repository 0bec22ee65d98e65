"""Police and Crime Panel recommendations and requests."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("panel_items", __name__, url_prefix="/panel")
