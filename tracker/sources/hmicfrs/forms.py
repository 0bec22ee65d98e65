"""The HMICFRS report and finding forms."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError

from tracker.actions.forms import VersionedForm
from tracker.db import db
from tracker.forms import (
    UkDateField,
    enum_choices,
    no_control_characters,
    strip_text,
    title_field,
    whole_number,
)
from tracker.sources import rules
from tracker.sources.models import (
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    ReportScope,
    ReportType,
)
from tracker.sources.services import SourceRuleError, check_finding_parent, s55_fields

FINDING_KINDS = {k.value for k in FindingKind}
CODE_MAX = 20
REFERENCE_MAX = 20
LETTERS_AND_DIGITS = r"^[A-Za-z0-9]+$"


def not_before_publication(form, field) -> None:
    """An optional date on a report cannot be earlier than the report's publication."""
    published_on = form.published_on.data
    if field.data and published_on and field.data < published_on:
        raise ValidationError(
            f"{field.label.text} must be the same as or after the publication date"
        )


def _whole_number(value: str | None) -> int | None:
    return whole_number(value)


class ReportForm(VersionedForm):
    code = StringField(
        "Report code",
        description="Letters and numbers only, used in action references, for example PEEL22.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter a report code"),
            Length(max=CODE_MAX, message=f"Code must be {CODE_MAX} characters or fewer"),
            Regexp(LETTERS_AND_DIGITS, message="Code can only contain letters and numbers"),
        ],
    )
    title = title_field(max_length=TITLE_MAX)
    report_type = RadioField(
        "Type of report",
        choices=enum_choices(ReportType),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of report")],
    )
    scope = RadioField(
        "Scope",
        choices=enum_choices(ReportScope),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose whether the report is force-specific")],
    )
    applies_to_force = BooleanField(
        "A national report that applies to the force (the force can see it and is asked "
        "for the Chief Constable's comments)",
        widget=GovCheckboxInput(),
    )
    published_on = UkDateField("Publication date")
    cc_comments_due_on = UkDateField(
        "Chief constable's comments due (set by the PCC)",
        required=False,
        validators=[not_before_publication],
    )
    comments_published_on = UkDateField(
        "Date the PCC's comments were published",
        description="Leave blank until the comments are published.",
        required=False,
        validators=[not_before_publication],
    )
    comments_url = URLField(
        "Link to the PCC's published comments (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=URL_MAX, message="Link is too long"),
            URL(require_tld=True, message="Enter a full web address, starting https://"),
        ],
    )
    sent_to_hmicfrs_on = UkDateField(
        "Date the comments were sent to HMICFRS",
        required=False,
        validators=[not_before_publication],
    )
    sent_to_home_secretary_on = UkDateField(
        "Date the comments were sent to the Home Secretary",
        required=False,
        validators=[not_before_publication],
    )
    submit = SubmitField("Save report", widget=GovSubmitInput())

    def __init__(self, *args: Any, report: HmicfrsReport | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=report, **kwargs)
        self._report_id = report.id if report else None
        if report is not None and not self.is_submitted():
            self.report_type.data = report.report_type.value
            self.scope.data = report.scope.value
            self.version.data = str(report.version)

    def fields_for_model(self) -> dict[str, Any]:
        """The report's fields; the PCC comments due date always follows publication."""
        return {
            "code": self.code.data,
            "title": self.title.data,
            "report_type": ReportType(self.report_type.data),
            "scope": ReportScope(self.scope.data),
            "applies_to_force": bool(self.applies_to_force.data),
            "published_on": self.published_on.data,
            "cc_comments_due_on": self.cc_comments_due_on.data,
            "comments_published_on": self.comments_published_on.data,
            "comments_url": self.comments_url.data or "",
            "sent_to_hmicfrs_on": self.sent_to_hmicfrs_on.data,
            "sent_to_home_secretary_on": self.sent_to_home_secretary_on.data,
            **s55_fields(self.published_on.data),
        }

    def validate_code(self, field) -> None:
        if not field.data:
            return
        query = select(HmicfrsReport.id).where(func.lower(HmicfrsReport.code) == field.data.lower())
        if self._report_id is not None:
            query = query.where(HmicfrsReport.id != self._report_id)
        if db.session.scalar(query) is not None:
            raise ValidationError(f"Code {field.data} is already used by another report")

    def validate_comments_url(self, field) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full web address, starting https://")


class FindingForm(VersionedForm):
    kind = RadioField(
        "Type of finding",
        choices=enum_choices(FindingKind),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the type of finding")],
    )
    reference = StringField(
        "Reference",
        description="As numbered in the report, for example R3, AFI12 or CoC1.",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the reference"),
            Length(
                max=REFERENCE_MAX, message=f"Reference must be {REFERENCE_MAX} characters or fewer"
            ),
            Regexp(LETTERS_AND_DIGITS, message="Reference can only contain letters and numbers"),
        ],
    )
    text = TextAreaField(
        "Text of the finding",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the text of the finding"),
            Length(max=TEXT_MAX, message=f"Text must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )
    parent_id = SelectField(
        "Cause of concern it belongs to",
        description="Only for recommendations made under a cause of concern.",
        default="",
        widget=GovSelect(),
        validate_choice=False,  # check_finding_parent explains what is wrong instead
    )
    inspectorate_status = RadioField(
        "Inspectorate status",
        choices=enum_choices(InspectorateStatus),
        default=InspectorateStatus.AWAITING_REVIEW.value,
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the inspectorate status")],
    )
    submit = SubmitField("Save finding", widget=GovSubmitInput())

    def __init__(
        self, *args: Any, report: HmicfrsReport, finding: Finding | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, obj=finding, **kwargs)
        self._report = report
        self._finding = finding
        causes = [
            f
            for f in report.findings
            if f.kind.is_cause_of_concern and (finding is None or f.id != finding.id)
        ]
        self.parent_id.choices = [SelectChoice("", "Not part of a cause of concern")] + [
            SelectChoice(str(f.id), f"{f.reference}: {f.text[:80]}") for f in causes
        ]
        if finding is not None and not self.is_submitted():
            self.kind.data = finding.kind.value
            self.inspectorate_status.data = finding.inspectorate_status.value
            self.parent_id.data = str(finding.parent_id or "")
            self.version.data = str(finding.version)

    def fields_for_model(self) -> dict[str, Any]:
        return {
            "kind": FindingKind(self.kind.data),
            "reference": self.reference.data,
            "text": self.text.data,
            "parent_id": _whole_number(self.parent_id.data),
            "inspectorate_status": InspectorateStatus(self.inspectorate_status.data),
        }

    def validate_kind(self, field) -> None:
        finding = self._finding
        if finding is None or field.data not in {k.value for k in FindingKind}:
            return
        problems = rules.check_finding_kind(
            finding.reference, FindingKind(field.data), has_children=bool(finding.children)
        )
        if problems:
            raise ValidationError(problems["kind"])

    def validate_reference(self, field) -> None:
        if not field.data:
            return
        query = select(Finding.id).where(
            Finding.report_id == self._report.id,
            func.lower(Finding.reference) == field.data.lower(),
        )
        if self._finding is not None:
            query = query.where(Finding.id != self._finding.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(f"Reference {field.data} is already used in this report")

    def validate_parent_id(self, field) -> None:
        if not field.data:
            return
        parent = db.session.get(Finding, _whole_number(field.data) or 0)
        if parent is None:
            raise ValidationError("Choose a cause of concern from the list")
        kind = FindingKind(self.kind.data) if self.kind.data in FINDING_KINDS else None
        finding_id = self._finding.id if self._finding else None
        try:
            check_finding_parent(self._report, kind, parent, finding_id)
        except SourceRuleError as error:
            raise ValidationError(error.message) from error
