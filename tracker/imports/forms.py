"""Import forms: upload, paste findings, map columns, and the commit/discard/undo buttons."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from sqlalchemy import select
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.actions.models import SourceType
from tracker.db import db
from tracker.forms import VersionedForm, enum_choices
from tracker.imports.action_rows import SOURCE_MODELS, source_label
from tracker.imports.fields import TARGET_FIELDS, TARGET_LABELS
from tracker.sources.models import HmicfrsReport

PASTE_MAX = 200_000
EXISTING_CHOICES = [
    SelectChoice("skip", "Leave them as they are (skip those rows)"),
    SelectChoice("update", "Update them from the file"),
]


def report_choices() -> list[SelectChoice]:
    """Every HMICFRS report, newest first."""
    reports = db.session.scalars(
        select(HmicfrsReport).order_by(HmicfrsReport.published_on.desc(), HmicfrsReport.id.desc())
    )
    return [SelectChoice("", "Choose a report")] + [
        SelectChoice(str(r.id), f"{r.code}: {r.title}") for r in reports
    ]


def existing_field(label: str) -> RadioField:
    return RadioField(
        label,
        choices=EXISTING_CHOICES,
        default="skip",
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose what to do with records that already exist")],
    )


class UploadForm(FlaskForm):
    target = RadioField(
        "What do the rows hold?",
        choices=[
            SelectChoice("actions", "Actions"),
            SelectChoice("panel_items", TARGET_LABELS["panel_items"]),
            SelectChoice("findings", "HMICFRS findings of one report"),
        ],
        default="actions",
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose what the rows hold")],
    )
    source_type = SelectField(
        "For actions: where they came from (rows may name another type in a source_type column)",
        choices=enum_choices(SourceType),
        default=SourceType.MEETING.value,
        widget=GovSelect(),
    )
    report_id = SelectField(
        "For findings: the HMICFRS report", widget=GovSelect(), validate_choice=False
    )
    existing = existing_field("When a reference (or id) already exists")
    upload = FileField(
        "Spreadsheet (XLSX or CSV)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose an XLSX or CSV file")],
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report_id.choices = report_choices()

    def validate_report_id(self, field: Any) -> None:
        if self.target.data != "findings":
            return
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError("Choose the report the findings belong to")

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"existing": self.existing.data}
        if self.target.data == "actions":
            options["source_type"] = self.source_type.data
        if self.target.data == "findings":
            options["report_id"] = int(self.report_id.data)
        return options


class PasteFindingsForm(FlaskForm):
    report_id = SelectField(
        "HMICFRS report",
        widget=GovSelect(),
        validators=[DataRequired(message="Choose the report the findings belong to")],
    )
    text = TextAreaField(
        "Findings, one per line",
        description="Start each line with its reference, for example "
        "'AFI 3 The force should ...', 'R1: ...' or 'CoC1 - ...'.",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Paste at least one finding"),
            Length(max=PASTE_MAX, message=f"Paste {PASTE_MAX:,} characters or fewer at a time"),
        ],
    )
    existing = existing_field("When a reference already exists in the report")
    submit = SubmitField("Check the findings", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report_id.choices = report_choices()


class BatchForm(VersionedForm):
    """Commit, discard or undo: only the CSRF token and the batch version."""


def mapping_form(batch: Any, headings: list[str], sheet_names: list[str]) -> VersionedForm:
    """A form with one select per field of the batch's target, listing the file's headings."""

    class MappingForm(VersionedForm):
        submit = SubmitField("Save and check the rows", widget=GovSubmitInput())

    column_choices = [SelectChoice("", "Not in the file")] + [
        SelectChoice(h, h) for h in headings if h
    ]
    for field in TARGET_FIELDS[batch.target]:
        label = f"{field.label}{' (required)' if field.required else ''}"
        select_field = SelectField(
            label,
            choices=column_choices,
            description=field.hint,
            widget=GovSelect(),
            default=batch.mapping.get(field.name, ""),
        )
        setattr(MappingForm, f"field_{field.name}", select_field)
    if len(sheet_names) > 1:
        MappingForm.sheet = SelectField(
            "Sheet to import",
            choices=[SelectChoice(n, n) for n in sheet_names],
            default=batch.options.get("sheet"),
            widget=GovSelect(),
        )
    if batch.target == "actions":
        source_type = SourceType(batch.options.get("source_type") or SourceType.MEETING.value)
        MappingForm.default_source = SelectField(
            f"Default {source_type.in_sentence} for rows that name no source",
            choices=_source_choices(source_type),
            default=str(batch.options.get("default_source_id") or ""),
            widget=GovSelect(),
        )
    MappingForm.existing = existing_field("When a reference already exists")
    form = MappingForm(data={"existing": batch.options.get("existing", "skip")})
    return form


def _source_choices(source_type: SourceType) -> list[SelectChoice]:
    model = SOURCE_MODELS[source_type]
    sources = db.session.scalars(select(model).order_by(model.id.desc()))
    return [SelectChoice("", "None: every row names its source")] + [
        SelectChoice(str(s.id), source_label(s)[:90]) for s in sources
    ]


def mapping_from(form: Any, target: str) -> dict[str, str]:
    """{field: heading} from a submitted mapping form."""
    mapping = {}
    for field in TARGET_FIELDS[target]:
        value = getattr(form, f"field_{field.name}").data
        if value:
            mapping[field.name] = value
    return mapping
