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
from wtforms.validators import DataRequired, Length

from tracker.actions.forms import VersionedForm
from tracker.forms import UkDateField, enum_choices, no_control_characters, strip_text
from tracker.sources import rules
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

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the Panel item rules (`tracker.sources.rules`), each
        message on its field; a field that already failed its own check is not judged
        again (a date that could not be read says enough)."""
        valid = super().validate(extra_validators)
        problems = rules.check_panel_item(
            panel_meeting_on=self.panel_meeting_on.data,
            response_due_on=self.response_due_on.data,
            pcc_response=self.pcc_response.data or "",
            pcc_response_on=self.pcc_response_on.data,
        )
        for name, message in problems.items():
            field = self._fields[name]
            if not field.errors:
                field.errors.append(message)
                valid = False
        return valid
