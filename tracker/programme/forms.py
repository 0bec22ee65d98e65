"""Forms for the A&A programme pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.forms import UkDateField, VersionedForm, no_control_characters, strip_text
from tracker.programme.models import TEXT_MAX


def _text(label: str, *, required: str | None = None, hint: str = "") -> TextAreaField:
    validators = [DataRequired(message=required)] if required else []
    return TextAreaField(
        label,
        description=hint,
        widget=GovCharacterCount(),
        filters=[strip_text],
        validators=[
            *validators,
            Length(max=TEXT_MAX, message=f"{label} must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )


class CancelMeetingForm(VersionedForm):
    cancel_reason = TextAreaField(
        "Why was the meeting cancelled?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter why the meeting was cancelled"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
            no_control_characters,
        ],
    )
    submit = SubmitField("Cancel the meeting", widget=GovSubmitInput())


class PapersReceivedForm(VersionedForm):
    papers_received_on = UkDateField(
        "Date the papers were received", required=False, description="Leave empty if not received."
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class HeldForm(VersionedForm):
    """Record a meeting as held (a button with the version it started from)."""


class QuestionForm(VersionedForm):
    question = _text("Question", required="Enter the question")
    opcc_only = BooleanField(
        "OPCC only (the force cannot see this line yet)", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save line of enquiry", widget=GovSubmitInput())


class AnswerForm(VersionedForm):
    answer = _text("The force's answer", required="Enter the answer")
    submit = SubmitField("Save answer", widget=GovSubmitInput())


class ConclusionForm(VersionedForm):
    conclusion = _text(
        "The OPCC's conclusion",
        hint="For example, “The PCC sought reassurance that…” or “The PCC concluded that…”. "
        "Leave empty to reopen the answer.",
    )
    submit = SubmitField("Save conclusion", widget=GovSubmitInput())


class PublicQuestionForm(VersionedForm):
    question = _text("Question", required="Enter the question")
    asked_by = StringField(
        "Asked by (kept within the OPCC)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=200, message="Must be 200 characters or fewer"),
            no_control_characters,
        ],
    )
    answer = _text("Answer")
    published = BooleanField("Publish the question and answer", widget=GovCheckboxInput())
    submit = SubmitField("Save public question", widget=GovSubmitInput())


class BringActionForm(VersionedForm):
    reference = StringField(
        "Action reference",
        description="For example, HM-PEEL22-R3.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[DataRequired(message="Enter the action's reference"), Length(max=40)],
    )
    submit = SubmitField("Bring to matters arising", widget=GovSubmitInput())


class MeetingKindForm(VersionedForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the name of the meeting kind"),
            Length(max=120, message="Name must be 120 characters or fewer"),
            no_control_characters,
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
