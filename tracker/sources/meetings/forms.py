"""The meeting form."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from tracker.actions.forms import VersionedForm
from tracker.forms import UkDateField, enum_choices, no_control_characters, strip_text, title_field
from tracker.sources.models import TEXT_MAX, TITLE_MAX, URL_MAX, MeetingKind


class MeetingForm(VersionedForm):
    kind = RadioField(
        "Type of meeting",
        choices=enum_choices(MeetingKind),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of meeting")],
    )
    held_on = UkDateField("Date of the meeting")
    title = title_field(max_length=TITLE_MAX)
    themes = TextAreaField(
        "Themes",
        description="One theme per line.",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=TEXT_MAX, message="Themes are too long"), no_control_characters],
    )
    chair = StringField(
        "Chair",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=120, message="Chair must be 120 characters or fewer"),
            no_control_characters,
        ],
    )
    attendees = TextAreaField(
        "Attendees",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message="Attendees list is too long"),
            no_control_characters,
        ],
    )
    minutes_url = URLField(
        "Link to the published minutes (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=URL_MAX, message="Link is too long"),
            URL(require_tld=True, message="Enter a full web address, starting https://"),
        ],
    )
    published = BooleanField(
        "Minutes are published (Panel clerks can see this meeting)", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        return {
            "kind": MeetingKind(self.kind.data),
            "held_on": self.held_on.data,
            "title": self.title.data,
            "themes": self.themes.data or "",
            "chair": self.chair.data or "",
            "attendees": self.attendees.data or "",
            "minutes_url": self.minutes_url.data or "",
            "published": bool(self.published.data),
        }

    def validate_minutes_url(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address, starting https://")
