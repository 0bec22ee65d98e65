"""Forms for s.55 responses: drafting, the text, and the steps after approval."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from tracker.forms import UkDateField, VersionedForm, no_control_characters, strip_text
from tracker.s55.models import TEXT_MAX, URL_MAX, S55Response


class DraftForm(VersionedForm):
    """The one-click draft, with the office's choice about areas for improvement."""

    include_afis = BooleanField(
        "Include areas for improvement",
        description="Recommendations and causes of concern are always included.",
        widget=GovCheckboxInput(),
    )
    draft = SubmitField("Draft the response", widget=GovSubmitInput())


def _long_text(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message=f"{label} must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )


class TextForm(VersionedForm):
    """Both comments; `text_form_for` adds two fields per entry."""

    cc_comments = _long_text("The Chief Constable's comments")
    pcc_comments = _long_text("The PCC's comments", "Required before submitting for approval.")
    save = SubmitField("Save", widget=GovSubmitInput())


def action_field(entry_id: int) -> str:
    return f"action_{entry_id}"


def reason_field(entry_id: int) -> str:
    return f"reason_{entry_id}"


def text_form_for(response: S55Response, **kwargs) -> TextForm:
    """The text form with an "action taken or proposed" and a "reason no action is
    taken" area for each of the response's entries."""

    class ResponseTextForm(TextForm):
        pass

    for entry in response.entries:
        name = f"{entry.finding.kind.label} {entry.finding.reference}"
        setattr(
            ResponseTextForm,
            action_field(entry.id),
            _long_text(f"Action taken or proposed: {name}"),
        )
        setattr(
            ResponseTextForm,
            reason_field(entry.id),
            _long_text(
                f"Reason no action is taken: {name}",
                "Only when no action has been or will be taken.",
            ),
        )
    return ResponseTextForm(**kwargs)


class StepForm(VersionedForm):
    """A button that moves the response on (submit, approve)."""

    go = SubmitField("Continue", widget=GovSubmitInput())


class PublishForm(VersionedForm):
    published_on = UkDateField("Date it was published")
    url = StringField(
        "Web address it was published at",
        description="Starting https://",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=URL_MAX, message=f"Web address must be {URL_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    publish = SubmitField("Record publication", widget=GovSubmitInput())


class SentForm(VersionedForm):
    to_hmicfrs_on = UkDateField("Date it was sent to HMICFRS", required=False)
    to_home_secretary_on = UkDateField("Date it was sent to the Home Secretary", required=False)
    record_sent = SubmitField("Record the dates", widget=GovSubmitInput())
