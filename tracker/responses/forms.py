"""Forms for written responses: the force's draft, and the OPCC's review."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.assurance import NOTE_MAX, AssuranceMethod, AssuranceVerdict
from tracker.attachments.forms import EvidenceFilesField
from tracker.forms import enum_choices, no_control_characters, strip_text
from tracker.responses.models import REASON_MAX, TEXT_MAX


class ExchangeForm(FlaskForm):
    """Carries the state of the latest version the page showed (services.based_on)."""

    based_on = HiddenField()


class DraftForm(ExchangeForm):
    text = TextAreaField(
        "The response",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the response"),
            Length(max=TEXT_MAX, message=f"Response must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    files = EvidenceFilesField("Attach documents (optional)")
    save_draft = SubmitField("Save draft", widget=GovSubmitInput())
    submit_response = SubmitField("Submit to the OPCC", widget=GovSubmitInput())


class SendBackForm(ExchangeForm):
    reason = TextAreaField(
        "Why it is being sent back",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter why the response is being sent back"),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    send_back = SubmitField("Send back to the force", widget=GovSubmitInput())


class AcceptForm(ExchangeForm):
    method = RadioField(
        "How the OPCC satisfied itself",
        choices=enum_choices(AssuranceMethod),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose how the OPCC satisfied itself")],
    )
    verdict = RadioField(
        "Conclusion",
        choices=enum_choices(AssuranceVerdict),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose a conclusion")],
    )
    note = TextAreaField(
        "Note",
        description=(
            "Required unless assured: what is still outstanding, or why the response "
            "goes back to the force."
        ),
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    accept = SubmitField("Record the conclusion", widget=GovSubmitInput())
