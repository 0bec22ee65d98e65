"""The publication record form (the same form adds and changes one)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from tracker.clock import today
from tracker.forms import (
    UkDateField,
    VersionedForm,
    enum_choices,
    no_control_characters,
    strip_text,
    title_field,
)
from tracker.publication import rules
from tracker.publication.models import SUMMARY_MAX, TITLE_MAX, URL_MAX, PublicationKind


class PublicationForm(VersionedForm):
    kind = RadioField(
        "Type of publication",
        choices=enum_choices(PublicationKind),
        coerce=lambda value: PublicationKind(value) if value else None,
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of publication")],
    )
    title = title_field(max_length=TITLE_MAX)
    due_on = UkDateField("Due date")
    published_on = UkDateField("Date published", required=False)
    url = URLField(
        "Link to the published document",
        description="Needed once it is published: the page on the office's website.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=URL_MAX, message=f"Link must be {URL_MAX} characters or fewer"),
            URL(require_tld=True, message="Enter a full web address, starting https://"),
        ],
    )
    summary = TextAreaField(
        "Summary for the public pages (optional)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    public = BooleanField(
        "Show on the public pages once published",
        description="Leave unticked for a publication that must not be listed publicly.",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save publication", widget=GovSubmitInput())

    def validate_kind(self, field) -> None:
        if field.data not in PublicationKind:
            raise ValidationError("Choose the type of publication")

    def validate_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address, starting https://")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = rules.record_errors(
            published_on=self.published_on.data, url=self.url.data or "", today=today()
        )
        for name, message in problems.items():
            if not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid

    def values(self) -> dict[str, Any]:
        """The record's fields."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "due_on": self.due_on.data,
            "published_on": self.published_on.data,
            "url": self.url.data or "",
            "public": bool(self.public.data),
            "summary": self.summary.data or "",
        }
