"""Form helpers shared by every feature."""

from __future__ import annotations

import enum

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


def enum_choices(enum_cls: type[enum.Enum]) -> list[SelectChoice]:
    """Select/radio choices from a LabelledEnum, in declaration order."""
    return [
        SelectChoice(member.value, getattr(member, "label", member.value)) for member in enum_cls
    ]


def strip_text(value: str | None) -> str | None:
    """Trim surrounding white space from a text field."""
    return value.strip() if isinstance(value, str) else value
