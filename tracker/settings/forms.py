"""Forms for changing one setting and for naming a tag in a reference list."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, ValidationError

from tracker.forms import strip_text
from tracker.reminders.rules import Schedule
from tracker.settings.definitions import SettingDefinition
from tracker.settings.services import TAG_NAME_MAX

WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
TELEPHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")


class WholeNumberInRange:
    """A whole number (ASCII digits, optional minus) between the definition's bounds."""

    def __init__(self, minimum: int | None, maximum: int | None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        text = field.data or ""
        if not WHOLE_NUMBER.match(text):
            raise ValidationError("Enter a whole number")
        number = int(text)
        too_low = self.minimum is not None and number < self.minimum
        too_high = self.maximum is not None and number > self.maximum
        if too_low or too_high:
            if self.minimum is not None and self.maximum is not None:
                raise ValidationError(f"Must be between {self.minimum} and {self.maximum}")
            if too_low:
                raise ValidationError(f"Must be {self.minimum} or more")
            raise ValidationError(f"Must be {self.maximum} or fewer")


def one_line(form: FlaskForm, field: StringField) -> None:
    """One line of text: no control characters at all (tabs and new lines included)."""
    if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
        raise ValidationError(f"{field.label.text} must not contain control characters")


def telephone_number(form: FlaskForm, field: StringField) -> None:
    """Digits, spaces, brackets and hyphens, with an optional leading +."""
    if field.data and not (field.data.isascii() and TELEPHONE.match(field.data)):
        raise ValidationError("Enter a telephone number, like 01234 567890 or +44 1234 567890")


def day_list(form: FlaskForm, field: StringField) -> None:
    """Whole numbers of days from 1 to 365, separated by commas."""
    parts = [p.strip() for p in (field.data or "").replace(";", ",").split(",") if p.strip()]
    if not parts or len(parts) > 10:
        raise ValidationError("Enter between one and ten numbers of days, like 14, 3")
    for part in parts:
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= 365:
            raise ValidationError("Each number of days must be a whole number from 1 to 365")


class SettingForm(FlaskForm):
    """Base for the form generated for one setting: a single `value` field."""

    definition: SettingDefinition
    value: Any
    submit = SubmitField("Save setting", widget=GovSubmitInput())

    def value_for_model(self) -> Any:
        """The submitted value as stored: the choice key, text, or an int."""
        if self.definition.choices or self.definition.kind == "email":
            return (self.value.data or "").lower()
        if self.definition.kind in ("text", "telephone"):
            return self.value.data or ""
        if self.definition.kind == "days":
            return ", ".join(str(d) for d in Schedule.parse_days(self.value.data))
        return int(self.value.data)

    def show(self, current: Any) -> None:
        """Fill the field with the setting's current value (for a GET)."""
        self.value.data = current if self.definition.choices else str(current)


def setting_form_for(definition: SettingDefinition, **kwargs: Any) -> SettingForm:
    """A form for `definition`: radios for a choice setting, otherwise a whole number."""
    if definition.choices:
        keys = [key for key, _ in definition.choices]
        field: Any = RadioField(
            definition.label,
            description=definition.hint,
            choices=[SelectChoice(key, label) for key, label in definition.choices],
            widget=GovRadioInput(),
            validate_choice=False,  # AnyOf says it in words
            validators=[
                DataRequired(message="Select an option"),
                AnyOf(keys, message="Select one of the options"),
            ],
        )
    elif definition.kind == "email":
        field = StringField(
            definition.label,
            description=definition.hint,
            widget=GovTextInput(),
            filters=[strip_text],
            validators=[
                Optional(),
                Length(max=254, message="Email address must be 254 characters or fewer"),
                Email(
                    message="Enter an email address in the correct format, like name@example.org",
                    check_deliverability=False,
                ),
            ],
        )
    elif definition.kind in ("text", "telephone"):
        limit = definition.maximum or 120
        field = StringField(
            definition.label,
            description=definition.hint,
            widget=GovTextInput(),
            filters=[strip_text],
            validators=[
                Optional(),
                Length(max=limit, message=f"Must be {limit} characters or fewer"),
                one_line,
                *([telephone_number] if definition.kind == "telephone" else []),
            ],
        )
    elif definition.kind == "days":
        field = StringField(
            definition.label,
            description=definition.hint,
            widget=GovTextInput(),
            filters=[strip_text],
            validators=[DataRequired(message="Enter at least one number of days"), day_list],
        )
    else:
        field = StringField(
            definition.label,
            description=definition.hint,
            widget=GovTextInput(),
            filters=[strip_text],
            validators=[
                DataRequired(message="Enter a whole number"),
                WholeNumberInRange(definition.minimum, definition.maximum),
            ],
        )
    form_class = type(
        f"SettingForm_{definition.key}",
        (SettingForm,),
        {"definition": definition, "value": field},
    )
    return form_class(**kwargs)


class TagForm(FlaskForm):
    """Add a tag to a reference list or rename one."""

    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a name"),  # checked after trimming: spaces are empty
            Length(max=TAG_NAME_MAX, message=f"Name must be {TAG_NAME_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_name(self, field: StringField) -> None:
        # A tag is one line: unlike long text, tabs and new lines are refused too.
        if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
            raise ValidationError("Name must not contain control characters")
