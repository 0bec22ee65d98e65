"""Forms for the statutory calendar: for each record, one form per side."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import (
    UkDateField,
    VersionedForm,
    enum_choices,
    no_control_characters,
    strip_text,
)
from tracker.statutory.models import (
    NAME_MAX,
    TEXT_MAX,
    PcDecision,
    Recommendation,
    VetoReason,
)

MONEY_MAX = Decimal("999999999999.99")
COUNT_MAX = 1000


class MoneyField(StringField):
    """An amount in pounds, like 1,234.56 or £250.10; empty is None."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [raw]
        self.data = None
        if not raw:
            return
        try:
            value = Decimal(raw.replace(",", "").removeprefix("£"))
        except InvalidOperation:
            raise ValueError(
                f"{self.label.text} must be an amount in pounds, like 1234.56"
            ) from None
        if not value.is_finite() or value < 0 or value > MONEY_MAX:
            raise ValueError(f"{self.label.text} must be an amount in pounds, like 1234.56")
        self.data = value.quantize(Decimal("0.01"))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


class CountField(StringField):
    """A whole number of people or votes; empty is None."""

    widget = GovTextInput()

    def __init__(self, *args: Any, maximum: int = COUNT_MAX, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [raw]
        self.data = None
        if not raw:
            return
        if not raw.isdigit() or len(raw) > 4 or int(raw) > self.maximum:
            raise ValueError(f"{self.label.text} must be a whole number, like 12")
        self.data = int(raw)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


def _text(label: str, *, hint: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            Length(max=TEXT_MAX, message=f"{label} must be {TEXT_MAX:,} characters or fewer"),
            no_control_characters,
        ],
    )


def _choice(label: str, enum_cls: type) -> RadioField:
    return RadioField(
        label,
        choices=enum_choices(enum_cls),
        coerce=lambda value: enum_cls(value) if value else None,
        validate_choice=False,
        widget=GovRadioInput(),
    )


class StatutoryForm(VersionedForm):
    """A side's form: `values()` gives the model fields it records; the version it
    started from refuses a stale save."""

    MODEL_FIELDS: tuple[str, ...] = ()

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in self.MODEL_FIELDS}


class PreceptPccForm(StatutoryForm):
    MODEL_FIELDS = (
        "proposal_notified_on",
        "proposed_amount",
        "proposed_band_d",
        "response_on",
        "response_text",
        "revised_amount",
        "revised_band_d",
        "issued_on",
        "final_amount",
        "final_band_d",
    )
    proposal_notified_on = UkDateField(
        "Date the Panel was notified of the proposed precept", required=False
    )
    proposed_amount = MoneyField("Proposed precept (£)")
    proposed_band_d = MoneyField("Proposed Band D council tax (£)")
    response_on = UkDateField("Date of the PCC's response to the veto", required=False)
    response_text = _text("The PCC's response to the veto")
    revised_amount = MoneyField("Revised precept (£)")
    revised_band_d = MoneyField("Revised Band D council tax (£)")
    issued_on = UkDateField("Date the precept was issued", required=False)
    final_amount = MoneyField("Precept issued (£)")
    final_band_d = MoneyField("Band D council tax issued (£)")
    submit = SubmitField("Save the PCC's steps", widget=GovSubmitInput())


def _year_field(label: str, hint: str) -> CountField:
    return CountField(
        label,
        maximum=9999,
        description=hint,
        validators=[
            DataRequired(message="Enter the year the financial year starts"),
            _year_in_range,
        ],
    )


def _year_in_range(form, field) -> None:
    if field.data is not None and not 2013 <= field.data <= 2100:
        raise ValidationError("Financial year must be between 2013 and 2100")


class NewPreceptForm(PreceptPccForm):
    MODEL_FIELDS = ("financial_year", *PreceptPccForm.MODEL_FIELDS)
    financial_year = _year_field(
        "Financial year the precept is for (the year it starts)",
        "For example, 2024 for the precept for 2024/25.",
    )


class PreceptPanelForm(StatutoryForm):
    MODEL_FIELDS = (
        "report_on",
        "report_text",
        "vetoed",
        "veto_reason",
        "panel_members",
        "votes_for_veto",
        "second_report_on",
        "second_report_text",
    )
    report_on = UkDateField("Date of the Panel's report on the proposed precept", required=False)
    report_text = _text("The Panel's report and recommendations")
    vetoed = BooleanField("The Panel vetoed the proposed precept", widget=GovCheckboxInput())
    veto_reason = _choice("Why the Panel vetoed it", VetoReason)
    panel_members = CountField(
        "Members of the Panel when it voted", description="All members, not only those present."
    )
    votes_for_veto = CountField("Votes for the veto")
    second_report_on = UkDateField(
        "Date of the Panel's report on the revised precept", required=False
    )
    second_report_text = _text("The Panel's report on the revised precept")
    submit = SubmitField("Save the Panel's steps", widget=GovSubmitInput())


class AppointmentPccForm(StatutoryForm):
    MODEL_FIELDS = ("candidate_name", "notified_on", "decision", "decision_on", "outcome_text")
    candidate_name = StringField(
        "Candidate proposed for Chief Constable",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the candidate's name"),
            Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer"),
            no_control_characters,
        ],
    )
    notified_on = UkDateField("Date the Panel received the notification")
    decision = _choice("The PCC's decision on the Panel's recommendation", PcDecision)
    decision_on = UkDateField("Date the PCC notified the Panel of the decision", required=False)
    outcome_text = _text(
        "Outcome",
        hint="For example, appointed from 1 April, or after a veto, the next candidate proposed.",
    )
    submit = SubmitField("Save the PCC's steps", widget=GovSubmitInput())


class AppointmentPanelForm(StatutoryForm):
    MODEL_FIELDS = (
        "hearing_on",
        "report_on",
        "report_text",
        "recommendation",
        "vetoed",
        "panel_members",
        "votes_for_veto",
    )
    hearing_on = UkDateField("Date of the confirmation hearing", required=False)
    report_on = UkDateField("Date of the Panel's report", required=False)
    report_text = _text("The Panel's report")
    recommendation = _choice("The Panel's recommendation", Recommendation)
    vetoed = BooleanField("The Panel vetoed the appointment", widget=GovCheckboxInput())
    panel_members = CountField(
        "Members of the Panel when it voted", description="All members, not only those present."
    )
    votes_for_veto = CountField("Votes for the veto")
    submit = SubmitField("Save the Panel's steps", widget=GovSubmitInput())


class AnnualReportPccForm(StatutoryForm):
    MODEL_FIELDS = ("sent_on", "response_on", "response_text", "published_on")
    sent_on = UkDateField("Date the annual report was sent to the Panel", required=False)
    response_on = UkDateField("Date of the PCC's response", required=False)
    response_text = _text("The PCC's response to the Panel's report or recommendations")
    published_on = UkDateField("Date the annual report was published", required=False)
    submit = SubmitField("Save the PCC's steps", widget=GovSubmitInput())


class NewAnnualReportForm(AnnualReportPccForm):
    MODEL_FIELDS = ("financial_year", *AnnualReportPccForm.MODEL_FIELDS)
    financial_year = _year_field(
        "Financial year the report covers (the year it starts)",
        "For example, 2022 for the annual report for 2022/23.",
    )


class AnnualReportPanelForm(StatutoryForm):
    MODEL_FIELDS = ("meeting_on", "report_on", "report_text", "response_due_on")
    meeting_on = UkDateField("Date of the public meeting that reviewed the report", required=False)
    report_on = UkDateField("Date of the Panel's report or recommendations", required=False)
    report_text = _text("The Panel's report or recommendations")
    response_due_on = UkDateField(
        "Date the Panel set for the PCC's written response", required=False
    )
    submit = SubmitField("Save the Panel's steps", widget=GovSubmitInput())
