"""The meeting form."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from tracker.actions.forms import VersionedForm
from tracker.auth.models import User
from tracker.forms import (
    SelectChoice,
    TimeOfDayField,
    UkDateField,
    no_control_characters,
    strip_text,
    title_field,
)
from tracker.sources.models import TEXT_MAX, TITLE_MAX, URL_MAX, MeetingKind, MeetingSeries


class MeetingForm(VersionedForm):
    kind = RadioField(
        "Type of meeting",
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of meeting")],
    )
    series = SelectField(
        "Series",
        description="Matters arising for a meeting come from earlier meetings of its series.",
        widget=GovSelect(),
        validators=[Optional()],
    )
    new_series = StringField(
        "Or start a new series",
        description="For example, Quarterly performance 2026/27.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=TITLE_MAX, message=f"Series name must be {TITLE_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    held_on = UkDateField("Date of the meeting")
    starts_at = TimeOfDayField(
        "Start time (optional)",
        description="On the 24-hour clock, for example 10:00. Calendars show the meeting "
        "at this time; without it, as an all-day event.",
    )
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
    outcome_summary = TextAreaField(
        "Outcome summary for the public (optional)",
        description="What the meeting concluded, in words for the public pages. Shown once "
        "the meeting is published and the date below is filled in.",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message="Outcome summary is too long"),
            no_control_characters,
        ],
    )
    outcome_published_on = UkDateField(
        "Date the minutes and outcome summary were published", required=False
    )
    opcc_lead = SelectField("OPCC lead (optional)", widget=GovSelect(), validators=[Optional()])
    published = BooleanField(
        "Minutes are published (Panel clerks can see this meeting)", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def offer(
        self,
        kinds: list[MeetingKind],
        series: list[MeetingSeries],
        leads: list[User],
    ) -> None:
        """Fill the choices: active kinds and series (and the meeting's own, if retired)."""
        self.kind.choices = [SelectChoice(str(k.id), k.name) for k in kinds]
        self.series.choices = [SelectChoice("", "No series")] + [
            SelectChoice(str(s.id), s.name) for s in series
        ]
        self.opcc_lead.choices = [SelectChoice("", "No lead")] + [
            SelectChoice(str(u.id), u.name) for u in leads
        ]

    def validate_new_series(self, field) -> None:
        if field.data and self.series.data:
            raise ValidationError("Choose a series or start a new one, not both")

    def fields_for_model(self) -> dict[str, Any]:
        """The meeting's columns (a new series is created by the view's service call)."""
        return {
            "kind_id": int(self.kind.data),
            "series_id": int(self.series.data) if self.series.data else None,
            "opcc_lead_id": int(self.opcc_lead.data) if self.opcc_lead.data else None,
            "held_on": self.held_on.data,
            "starts_at": self.starts_at.data,
            "title": self.title.data,
            "themes": self.themes.data or "",
            "chair": self.chair.data or "",
            "attendees": self.attendees.data or "",
            "minutes_url": self.minutes_url.data or "",
            "published": bool(self.published.data),
            "outcome_summary": self.outcome_summary.data or "",
            "outcome_published_on": self.outcome_published_on.data,
        }

    def validate_minutes_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address, starting https://")
