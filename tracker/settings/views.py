"""Administrator screens for settings and the reference lists actions are tagged from."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
