"""Forms for reminder screens: each user's choice of reminders."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from tracker.reminders.rules import GROUP_LABELS, OPTIONAL_GROUPS

UNKNOWN_CHOICE = "Select only reminders from the list"


class PreferencesForm(FlaskForm):
    """Ticked = wanted. Nothing ticked is a valid answer: every optional reminder is off."""

    wanted = SelectMultipleField(
        "Which reminders do you want?",
        description="Select all that apply.",
        choices=[SelectChoice(group.value, GROUP_LABELS[group]) for group in OPTIONAL_GROUPS],
        widget=GovCheckboxesInput(),
        # Checked below with a message that does not echo the posted value.
        validate_choice=False,
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())

    def validate_wanted(self, field: SelectMultipleField) -> None:
        allowed = {group.value for group in OPTIONAL_GROUPS}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(UNKNOWN_CHOICE)

    def turned_off(self) -> set[str]:
        """The optional groups left unticked."""
        wanted = set(self.wanted.data or [])
        return {group.value for group in OPTIONAL_GROUPS} - wanted
