"""Forms for ad-hoc A&A requests: the request itself, and the written response."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.actions.forms import VersionedForm
from tracker.filters import format_date
from tracker.forms import UkDateField, enum_choices, no_control_characters, strip_text
from tracker.sources.models import TEXT_MAX, TITLE_MAX, RequestStatus

RECIPIENT_MAX = 120
REASON_MAX = 500


class AdhocRequestForm(VersionedForm):
    subject = StringField(
        "Subject",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a subject"),
            Length(max=TITLE_MAX, message=f"Subject must be {TITLE_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    detail = TextAreaField(
        "What was asked",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message=f"Detail must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    sent_on = UkDateField("Date sent")
    recipient = StringField(
        "Sent to",
        default="Chief Constable",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter who the request was sent to"),
            Length(
                max=RECIPIENT_MAX,
                message=f"Sent to must be {RECIPIENT_MAX} characters or fewer",
            ),
            no_control_characters,
        ],
    )
    response_due_override = UkDateField(
        "Response due date (only if different from the usual period)", required=False
    )
    override_reason = StringField(
        "Why the response due date is different",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    submit = SubmitField("Save request", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        """The request's own fields; the due date comes from services.adhoc_due_fields."""
        return {
            "subject": self.subject.data,
            "detail": self.detail.data or "",
            "sent_on": self.sent_on.data,
            "recipient": self.recipient.data,
        }


class ResponseForm(VersionedForm):
    response_received_on = UkDateField("Date the response was received")
    response = TextAreaField(
        "The response",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the response"),
            Length(max=TEXT_MAX, message=f"Response must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    status = RadioField(
        "Status",
        choices=enum_choices(RequestStatus),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the status of the request")],
    )
    submit = SubmitField("Save response", widget=GovSubmitInput())

    def __init__(self, *args: Any, sent_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent_on = sent_on

    def validate_response_received_on(self, field) -> None:
        if field.data and field.data < self.sent_on:
            raise ValidationError(
                "Date the response was received must be on or after the date sent, "
                f"{format_date(self.sent_on)}"
            )

    def fields_for_model(self) -> dict[str, Any]:
        return {
            "response_received_on": self.response_received_on.data,
            "response": self.response.data,
            "status": RequestStatus(self.status.data),
        }
