"""The Panel's forms: its meetings, the items it resolved, the PCC's response, the
clerk's conclusion, and the work programme."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.actions.forms import VersionedForm
from tracker.attachments.forms import EvidenceFilesField
from tracker.forms import (
    SelectChoice,
    UkDateField,
    enum_choices,
    no_control_characters,
    strip_text,
)
from tracker.sources import rules
from tracker.sources.models import (
    MINUTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    VENUE_MAX,
    PanelItemKind,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
)


def _text_field(label: str, max_length: int, *, required: str = "", **kwargs: Any) -> StringField:
    """A one-line text input, stripped, bounded and free of control characters."""
    checks: list[Any] = [DataRequired(message=required)] if required else []
    name = label.split(" (")[0]
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            *checks,
            Length(max=max_length, message=f"{name} must be {max_length} characters or fewer"),
            no_control_characters,
        ],
        **kwargs,
    )


def _long_text(label: str, *, required: str = "", **kwargs: Any) -> TextAreaField:
    """A text area, stripped, bounded and free of control characters."""
    checks: list[Any] = [DataRequired(message=required)] if required else []
    name = label.split(" (")[0]
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            *checks,
            Length(max=TEXT_MAX, message=f"{name} must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
        **kwargs,
    )


def meeting_choices(meetings: list[PanelMeeting], *, blank: str) -> list[SelectChoice]:
    """Panel meetings as select choices, with a first choice meaning none."""
    return [SelectChoice("", blank)] + [
        SelectChoice(str(m.id), f"{m.held_on.day} {m.held_on:%B %Y}: {m.title}") for m in meetings
    ]


class PanelMeetingForm(VersionedForm):
    held_on = UkDateField("Date of the Panel meeting")
    title = _text_field(
        "Title",
        TITLE_MAX,
        required="Enter the title of the Panel meeting",
        description="For example, West Mercia Police and Crime Panel.",
    )
    venue = _text_field("Venue (optional)", VENUE_MAX)
    published = BooleanField("The agenda is published", default=True, widget=GovCheckboxInput())
    submit = SubmitField("Save Panel meeting", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        return {
            "held_on": self.held_on.data,
            "title": self.title.data,
            "venue": self.venue.data or "",
            "published": bool(self.published.data),
        }


class PanelItemForm(VersionedForm):
    panel_meeting_on = UkDateField("Date of the Panel meeting")
    minute_number = _text_field(
        "Minute number (optional)", MINUTE_MAX, description="For example, 23/45."
    )
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
        "What the Panel resolved",
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
    response_due_on = UkDateField("Date the Panel set for the PCC's response", required=False)
    published = BooleanField(
        "Published in the Panel's papers (Panel clerks can see it)",
        default=True,
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save Panel item", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        """The item's columns (the published flag only when the form offers it: it is
        the OPCC's to set)."""
        fields = {
            "panel_meeting_on": self.panel_meeting_on.data,
            "minute_number": self.minute_number.data or "",
            "agenda_item": self.agenda_item.data or "",
            "kind": PanelItemKind(self.kind.data),
            "text": self.text.data,
            "response_due_on": self.response_due_on.data,
        }
        if "published" in self._fields:
            fields["published"] = bool(self.published.data)
        return fields

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the Panel item rules (`tracker.sources.rules`), each
        message on its field; a field that already failed its own check is not judged
        again (a date that could not be read says enough)."""
        valid = super().validate(extra_validators)
        kind = self.kind.data
        problems = rules.check_panel_item(
            panel_meeting_on=self.panel_meeting_on.data,
            response_due_on=self.response_due_on.data,
            pcc_response="",
            pcc_response_on=None,
            kind=PanelItemKind(kind) if kind in {k.value for k in PanelItemKind} else None,
        )
        for name, message in problems.items():
            field = self._fields[name]
            if not field.errors:
                field.errors.append(message)
                valid = False
        return valid


class PccResponseForm(VersionedForm):
    response_outcome = RadioField(
        "What the PCC decided",
        choices=enum_choices(PccResponseOutcome),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose what the PCC decided")],
    )
    pcc_response = _long_text("The PCC's response", required="Enter the PCC's response")
    pcc_response_on = UkDateField("Date of the PCC's response")
    files = EvidenceFilesField("Attach the response documents (optional)")
    submit = SubmitField("Save the PCC's response", widget=GovSubmitInput())


class PanelConclusionForm(VersionedForm):
    matter_state = RadioField(
        "What the Panel decided",
        choices=[
            SelectChoice(s.value, s.label)
            for s in (PanelMatterState.CONCLUDED, PanelMatterState.CARRIED_FORWARD)
        ],
        widget=GovRadioInput(),
        validators=[
            DataRequired(message="Choose whether the matter is concluded or carried forward")
        ],
    )
    carried_forward_to_id = SelectField(
        "Carried forward to", widget=GovSelect(), validators=[Optional()]
    )
    matter_note = _long_text("Note (required when carried forward)")
    submit = SubmitField("Record the Panel's decision", widget=GovSubmitInput())


class WorkProgrammeForm(VersionedForm):
    topic = _text_field(
        "Topic or area of scrutiny", TITLE_MAX, required="Enter the topic or area of scrutiny"
    )
    panel_meeting_id = SelectField(
        "Planned for the Panel meeting (optional)", widget=GovSelect(), validators=[Optional()]
    )
    last_reported_on = UkDateField("Date last reported to the Panel (optional)", required=False)
    report_requested = BooleanField(
        "The Panel has asked the PCC for a report on this topic", widget=GovCheckboxInput()
    )
    report_due_on = UkDateField("Date the report is due (optional)", required=False)
    notes = _long_text("Notes and follow-up action (optional)")
    submit = SubmitField("Save topic", widget=GovSubmitInput())

    def fields_for_model(self) -> dict[str, Any]:
        meeting = self.panel_meeting_id.data
        return {
            "topic": self.topic.data,
            "panel_meeting_id": int(meeting) if meeting else None,
            "last_reported_on": self.last_reported_on.data,
            "report_requested": bool(self.report_requested.data),
            "report_due_on": self.report_due_on.data,
            "notes": self.notes.data or "",
        }

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then `rules.check_work_programme_item` on its field."""
        valid = super().validate(extra_validators)
        problems = rules.check_work_programme_item(
            report_requested=bool(self.report_requested.data),
            report_due_on=self.report_due_on.data,
            last_reported_on=self.last_reported_on.data,
        )
        for name, message in problems.items():
            if not self._fields[name].errors:
                self._fields[name].errors.append(message)
                valid = False
        return valid
