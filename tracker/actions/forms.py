"""Forms for actions: details, updates, status changes and extension requests."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.actions import rules
from tracker.actions.models import TEXT_MAX, TITLE_MAX, ActionStatus, Marking, Rag
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.attachments.forms import EvidenceFilesField
from tracker.auth.models import Organisation, User
from tracker.db import LabelledEnum, db
from tracker.forms import (
    UkDateField,
    VersionedForm,
    enum_choices,
    no_control_characters,
    strip_text,
    title_field,
    whole_number,
)
from tracker.settings.models import Tag, TagList


class ActionForm(VersionedForm):
    reference = StringField(
        "Reference (optional)",
        description="Leave blank to number it automatically, for example AA-2023-014.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=40, message="Reference must be 40 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9\-/.]*$",
                message="Reference can only contain letters, numbers, hyphens, dots and slashes",
            ),
        ],
    )
    title = title_field(max_length=TITLE_MAX)
    description = TextAreaField(
        "What was asked or promised",
        widget=GovCharacterCount(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message=f"Description must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    owner = SelectField(
        "Owner", widget=GovSelect(), validators=[DataRequired(message="Choose an owner")]
    )
    owning_organisation = RadioField(
        "Owning organisation",
        choices=[
            SelectChoice(Organisation.FORCE.value, "Force"),
            SelectChoice(Organisation.OPCC.value, "OPCC"),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the owning organisation")],
    )
    lead_role = StringField(
        "Lead role (optional)",
        description="For example, ACC Local Policing.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Length(max=120, message="Lead role must be 120 characters or fewer"),
            no_control_characters,
        ],
    )
    raised_on = UkDateField("Date raised")
    due_on = UkDateField("Due date")
    marking = RadioField(
        "Protective marking",
        choices=enum_choices(Marking),
        default=Marking.OFFICIAL.value,
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose a protective marking")],
    )
    opcc_only = BooleanField(
        "Restrict to OPCC staff (the force and the Panel will not see it)",
        widget=GovCheckboxInput(),
    )
    opcc_note = TextAreaField(
        "Internal OPCC note (optional)",
        description="Only OPCC staff see this note.",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=TEXT_MAX, message="Note is too long"), no_control_characters],
    )
    # Offered with "Submit as implemented": documents that evidence the implementation.
    evidence = EvidenceFilesField("Attach evidence (optional)")
    tags = SelectMultipleField(
        "Tags", widget=GovCheckboxesInput(), coerce=int, validate_choice=True
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())
    # Only when adding: save, then start a blank action for the same source.
    add_another = SubmitField("Save and add another action", widget=GovSubmitInput())

    def set_choices(self, owners: list[User], tags: list[Tag]) -> None:
        """Fill the owner and tag choices from the database."""
        self.owner.choices = [SelectChoice("", "Choose an owner")] + [
            SelectChoice(str(u.id), f"{u.name} ({u.organisation.label})") for u in owners
        ]
        self.tags.choices = [SelectChoice(t.id, f"{t.tag_list.label}: {t.name}") for t in tags]
        self._tags = tags

    def tag_groups(self) -> list[dict]:
        """The tag choices grouped by reference list, in the lists' order, for one
        fieldset per list: its legend, checkbox id prefix, items and whether any is ticked.

        The first group's first checkbox has the id `tags`, where the error summary
        links (`tracker.forms.first_input_id`).
        """
        chosen = set(self.tags.data or [])
        groups = []
        for tag_list in TagList:
            tags = [t for t in getattr(self, "_tags", []) if t.tag_list == tag_list]
            if not tags:
                continue
            groups.append(
                {
                    "legend": tag_list.label,
                    "id_prefix": "tags" if not groups else f"tags-{tag_list.value}",
                    "items": [
                        {"value": t.id, "text": t.name, "checked": t.id in chosen} for t in tags
                    ],
                    "chosen": sum(t.id in chosen for t in tags),
                }
            )
        return groups

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the action rules (`tracker.actions.rules`), each message
        on its field; a field that already failed its own check is not judged again."""
        valid = super().validate(extra_validators)
        problems = rules.check_action(
            raised_on=self.raised_on.data,
            due_on=self.due_on.data,
            owner=self._chosen_owner(),
            owning_organisation=_organisation(self.owning_organisation.data),
            opcc_only=bool(self.opcc_only.data),
        )
        for name, message in problems.items():
            field = self._fields.get(name)
            if field is not None and not field.errors:
                field.errors.append(message)
                valid = False
        return valid

    def _chosen_owner(self) -> User | None:
        number = whole_number(self.owner.data)
        return db.session.get(User, number) if number is not None else None


def _organisation(value: str | None) -> Organisation | None:
    return Organisation(value) if value in {o.value for o in Organisation} else None


class UpdateForm(FlaskForm):
    text = TextAreaField(
        "Progress update",
        widget=GovCharacterCount(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the update"),
            Length(max=TEXT_MAX, message=f"Update must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    rag = RadioField(
        "Your RAG judgement (optional)",
        choices=[SelectChoice(r.value, r.label) for r in Rag if r != Rag.COMPLETE],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    opcc_only = BooleanField(
        "Internal OPCC comment (the force will not see it)", widget=GovCheckboxInput()
    )
    files = EvidenceFilesField("Attach files (optional)")
    submit = SubmitField("Post update", widget=GovSubmitInput())


class CorrectUpdateForm(FlaskForm):
    text = TextAreaField(
        "Corrected update",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the update"),
            Length(max=TEXT_MAX),
            no_control_characters,
        ],
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class TransitionForm(VersionedForm):
    """A status change; "Assure and close" (target closed) also carries the conclusion."""

    target = HiddenField()
    method = RadioField(
        "How did the OPCC satisfy itself?",
        choices=enum_choices(AssuranceMethod),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    verdict = RadioField(
        "Assurance verdict",
        choices=[
            SelectChoice(AssuranceVerdict.ASSURED.value, "Assured: close the action"),
            SelectChoice(
                AssuranceVerdict.PARTLY_ASSURED.value,
                "Partly assured: close the action, noting what is outstanding",
            ),
            SelectChoice(
                AssuranceVerdict.NOT_ASSURED.value,
                "Not assured: send it back to the owner",
            ),
        ],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    note = TextAreaField(
        "Note",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=TEXT_MAX, message="Note is too long"), no_control_characters],
    )
    # Offered with "Submit as implemented": documents that evidence the implementation.
    evidence = EvidenceFilesField("Attach evidence (optional)")

    @property
    def closing(self) -> bool:
        """Whether this is the "Assure and close" form (which asks for a conclusion)."""
        return self.target.data == ActionStatus.CLOSED.value

    def chosen_method(self) -> AssuranceMethod | None:
        return _member(AssuranceMethod, self.method.data)

    def chosen_verdict(self) -> AssuranceVerdict | None:
        return _member(AssuranceVerdict, self.verdict.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.closing:
            return valid
        problems = rules.check_conclusion(
            self.chosen_method(), self.chosen_verdict(), self.note.data or ""
        )
        for name, message in problems.items():
            if not self[name].errors:
                self[name].errors = [*self[name].errors, message]
        return valid and not problems


def _member(enum_cls: type[LabelledEnum], value: str | None) -> Any:
    """The member whose value was posted, or None (nothing chosen, or a crafted value)."""
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


class PublishToPanelForm(VersionedForm):
    """Publish an action to the Police and Crime Panel ("yes") or withdraw it ("no")."""

    publish = HiddenField()


class ExtensionForm(FlaskForm):
    proposed_due_on = UkDateField("New due date")
    reason = TextAreaField(
        "Reason for the extension",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the reason for the extension"),
            Length(max=TEXT_MAX),
            no_control_characters,
        ],
    )
    submit = SubmitField("Request extension", widget=GovSubmitInput())


class ExtensionDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("approve", "Approve the new date"),
            SelectChoice("decline", "Decline"),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose approve or decline")],
    )
    note = TextAreaField(
        "Note (required when declining)",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=TEXT_MAX), no_control_characters],
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())
