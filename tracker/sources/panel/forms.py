"""The Police and Crime Panel item form."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.actions.forms import VersionedForm
from tracker.forms import UkDateField, enum_choices, no_control_characters, strip_text
from tracker.sources.models import TEXT_MAX, TITLE_MAX, PanelItemKind


class PanelItemForm(VersionedForm):
    panel_meeting_on = UkDateField("Date of the Panel meeting")
    agenda_item = StringField(
        "Agenda item (optional)",
        description="For example, 6. Police and Crime Plan update.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=TITLE_MAX, message=f"Agenda item must be {TITLE_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    kind = RadioField(
        "Type of Panel item",
        choices=enum_choices(PanelItemKind),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of Panel item")],
    )
    text = TextAreaField(
        "What the Panel recommended or asked for",
        widget=GovCharacterCount(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter what the Panel recommended or asked for"),
            Length(
                max=TEXT_MAX, message=f"The Panel's text must be {TEXT_MAX:,} characters or fewer"
            ),
            no_control_characters,
        ],
    )
    response_due_on = UkDateField("Response due date set by the Panel (optional)", required=False)
    pcc_response = TextAreaField(
        "The PCC's response (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(
                max=TEXT_MAX, message=f"The PCC's response must be {TEXT_MAX:,} characters or fewer"
            ),
            no_control_characters,
        ],
    )
    pcc_response_on = UkDateField("Date of the PCC's response", required=False)
    published = BooleanField(
        "Published in the Panel's papers (Panel clerks can see it)",
        default=True,
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save Panel item", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        return {
            "panel_meeting_on": self.panel_meeting_on.data,
            "agenda_item": self.agenda_item.data or "",
            "kind": PanelItemKind(self.kind.data),
            "text": self.text.data,
            "response_due_on": self.response_due_on.data,
            "pcc_response": self.pcc_response.data or "",
            "pcc_response_on": self.pcc_response_on.data,
            "published": bool(self.published.data),
        }

    def _before_meeting(self, field) -> bool:
        meeting_on = self.panel_meeting_on.data
        return bool(field.data and meeting_on and field.data < meeting_on)

    def validate_response_due_on(self, field) -> None:
        if not field.errors and self._before_meeting(field):
            raise ValidationError(
                "Response due date must be the same as or after the date of the Panel meeting"
            )

    def validate_pcc_response(self, field) -> None:
        if not field.data and self.pcc_response_on.data:
            raise ValidationError("Enter the PCC's response, or remove the date of the response")

    def validate_pcc_response_on(self, field) -> None:
        if field.errors:
            return  # the date itself was not valid; that error says enough
        if field.data is None and self.pcc_response.data:
            raise ValidationError("Enter the date of the PCC's response")
        if self._before_meeting(field):
            raise ValidationError(
                "Date of the PCC's response must be the same as or after the date of the "
                "Panel meeting"
            )
