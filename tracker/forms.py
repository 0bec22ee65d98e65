"""Form helpers shared by every feature."""

from __future__ import annotations

import enum
from datetime import date, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import DateField, Field, HiddenField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.wording import in_sentence


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


def enum_choices(enum_cls: type[enum.Enum]) -> list[SelectChoice]:
    """Select/radio choices from a LabelledEnum, in declaration order."""
    return [
        SelectChoice(member.value, getattr(member, "label", member.value)) for member in enum_cls
    ]


def whole_number(value: str | None, *, max_digits: int = 9) -> int | None:
    """A whole number written with ASCII digits only, or None.

    `str.isdigit` also accepts superscripts and other scripts' digits, which `int`
    either refuses or reads as a different number; posted values must not do either.
    """
    text = (value or "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def strip_text(value: str | None) -> str | None:
    """Trim surrounding white space from a text field."""
    return value.strip() if isinstance(value, str) else value


class DateInput(GovDateInput):
    """The GOV.UK date input whose legend always asks the question.

    A template may pass only the legend's classes; the field's label then fills the
    legend's text, so a date group is never a row of unnamed boxes.
    """

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        if not legend.get("text") and not legend.get("html"):
            legend["text"] = field.label.text
        return params


def first_input_id(field: Field) -> str:
    """The id of the box a reader should land on for `field`: the day box of a date,
    the first radio or checkbox of a group (GOV.UK names it after the field), else the
    field's own input."""
    if isinstance(field.widget, GovDateInput):
        return f"{field.name}-day"
    if isinstance(field.widget, GovRadioInput | GovCheckboxesInput):
        return field.name
    return field.id


def error_summary(form: FlaskForm) -> dict:
    """Parameters for govukErrorSummary: one link per field in error, to its first input,
    in the order the fields appear; errors about the form as a whole come first, unlinked."""
    errors = [{"text": message} for message in form.form_errors]
    for field in form:
        if field.errors:
            errors.append({"text": field.errors[0], "href": f"#{first_input_id(field)}"})
    return {"titleText": "There is a problem", "errorList": errors}


class TimeOfDayField(TimeField):
    """An optional time of day typed on the 24-hour clock ("10:00", "9.30", "14:30"),
    in a plain text box as GOV.UK services ask for times; a bad time is explained."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, format="%H:%M", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(".", ":")
        self.raw_data = [text]
        if not text:
            self.data = None
            return
        hours, _, minutes = text.partition(":")
        well_formed = len(hours) in (1, 2) and len(minutes) == 2
        try:
            if not (well_formed and hours.isdigit() and minutes.isdigit()):
                raise ValueError(text)
            self.data = time(int(hours), int(minutes))
        except ValueError as exc:
            self.data = None
            name = self.label.text.removesuffix(" (optional)")
            raise ValueError(
                f"{name} must be a time on the 24-hour clock, like 10:00 or 14:30"
            ) from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""


class UkDateField(DateField):
    """A GOV.UK date input (day, month, year boxes) that explains every bad date.

    Accepts 1 or 01 for days and months and a four-digit year between 1990 and 2100;
    anything else, including a crafted request with missing or extra parts, is a
    form error, never a server error.
    """

    widget = DateInput()

    def __init__(self, label=None, validators=None, *, required: bool = True, **kwargs) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required = required

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [(v or "").strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        name = in_sentence(self.label.text) if self.label else "the date"
        if not any(parts):
            self.data = None
            if self.required:
                raise ValueError(f"Enter {name}")
            return
        day, month, year = parts
        missing = [
            label for label, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            self.data = None
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 7 2023")
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:  # too many digits overflow a C long
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from exc
        if not 1990 <= value.year <= 2100:
            self.data = None
            raise ValueError(f"{self.label.text} must be between 1990 and 2100")
        self.data = value

    def pre_validate(self, form) -> None:
        """Errors come from process_formdata; no extra check."""


def no_control_characters(form, field) -> None:
    """Refuse invisible control characters (tabs and new lines are fine in long text)."""
    if field.data and any(ord(ch) < 32 and ch not in "\t\r\n" for ch in field.data):
        raise ValidationError(f"{field.label.text} must not contain control characters")


def title_field(label: str = "Title", *, max_length: int = 200) -> StringField:
    """A required one-line title, trimmed, with GOV.UK messages."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message=f"Enter a {in_sentence(label)}"),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
            no_control_characters,
        ],
    )


class VersionedForm(FlaskForm):
    """An edit form that carries the version of the record it started from."""

    version = HiddenField()

    def version_number(self) -> int:
        # What was posted, never the record's own version: a form built with obj=record
        # holds the record's (int) version when the field is missing from the request.
        number = whole_number((self.version.raw_data or [""])[0])
        return 0 if number is None else number
