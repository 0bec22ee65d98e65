"""The statutory calendar pages: the list, each record's timeline, and each side's form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import policy
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.security import permission_required
from tracker.statutory import forms, rules, services
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

bp = Blueprint("statutory", __name__, url_prefix="/statutory")

# For each record type: its words, URL argument, forms and timeline.
KINDS: dict[type, dict[str, Any]] = {
    PreceptYear: {
        "arg": "precept_id",
        "show": "statutory.precept",
        "title": lambda r: f"Precept {r.label}",
        "new_form": forms.NewPreceptForm,
        "pcc_form": forms.PreceptPccForm,
        "panel_form": forms.PreceptPanelForm,
        "timeline": rules.precept_timeline,
    },
    ChiefConstableAppointment: {
        "arg": "appointment_id",
        "show": "statutory.appointment",
        "title": lambda r: f"Chief Constable appointment: {r.candidate_name}",
        "new_form": forms.AppointmentPccForm,
        "pcc_form": forms.AppointmentPccForm,
        "panel_form": forms.AppointmentPanelForm,
        "timeline": rules.appointment_timeline,
    },
    AnnualReportReview: {
        "arg": "review_id",
        "show": "statutory.annual_report",
        "title": lambda r: f"Annual report {r.label}",
        "new_form": forms.NewAnnualReportForm,
        "pcc_form": forms.AnnualReportPccForm,
        "panel_form": forms.AnnualReportPanelForm,
        "timeline": rules.annual_report_timeline,
    },
}


def get_record_or_404(model: type, record_id: int, *, need: str = "view") -> Any:
    """Load a statutory record: 404 when missing or not visible to the user (the force),
    403 when visible but the user does not record that side."""
    record = db.session.get(model, record_id)
    if record is None or not policy.can_view_statutory(current_user):
        abort(404)
    if need == "pcc" and not policy.can_record_pcc_side(current_user):
        abort(403)
    if need == "panel" and not policy.can_record_panel_side(current_user):
        abort(403)
    return record


def _show_url(record: Any) -> str:
    kind = KINDS[type(record)]
    return url_for(kind["show"], **{kind["arg"]: record.id})


@bp.route("/")
@permission_required(policy.can_view_statutory)
def index():
    return render_template(
        "statutory/index.html",
        precepts=db.session.scalars(
            select(PreceptYear).order_by(PreceptYear.financial_year.desc())
        ).all(),
        appointments=db.session.scalars(
            select(ChiefConstableAppointment).order_by(ChiefConstableAppointment.notified_on.desc())
        ).all(),
        reviews=db.session.scalars(
            select(AnnualReportReview).order_by(AnnualReportReview.financial_year.desc())
        ).all(),
        show_url=_show_url,
    )


def _show(model: type, record_id: int):
    record = get_record_or_404(model, record_id)
    kind = KINDS[model]
    return render_template(
        f"statutory/{model.__tablename__}.html",
        record=record,
        title=kind["title"](record),
        steps=kind["timeline"](record),
        today=today(),
        pcc_url=url_for(f"{kind['show']}_pcc", **{kind["arg"]: record.id}),
        panel_url=url_for(f"{kind['show']}_panel", **{kind["arg"]: record.id}),
    )


def _new(model: type, heading: str):
    form = KINDS[model]["new_form"]()
    return save_form(
        form,
        lambda: services.create_record(model, by=current_user, **form.values()),
        render=lambda **extra: render_template(
            "statutory/form.html",
            form=form,
            heading=heading,
            back=url_for("statutory.index"),
            **extra,
        ),
        saved=lambda record: f"{KINDS[model]['title'](record)} recorded",
        redirect_to=_show_url,
    )


def _side(model: type, record_id: int, side: str):
    record = get_record_or_404(model, record_id, need=side)
    kind = KINDS[model]
    form = kind[f"{side}_form"](obj=record)
    save = services.record_pcc_side if side == "pcc" else services.record_panel_side
    who = "the PCC's" if side == "pcc" else "the Panel's"
    return save_form(
        form,
        lambda: save(
            record, by=current_user, expected_version=form.version_number(), **form.values()
        ),
        render=lambda **extra: render_template(
            "statutory/form.html",
            form=form,
            heading=f"{kind['title'](record)}: {who} steps",
            back=_show_url(record),
            **extra,
        ),
        saved=f"{who.capitalize()} steps saved",
        redirect_to=lambda _: _show_url(record),
        record=record,
    )


@bp.route("/precepts/new", methods=["GET", "POST"])
@permission_required(policy.can_record_pcc_side)
def new_precept():
    return _new(PreceptYear, "Record a precept year")


@bp.route("/precepts/<int:precept_id>")
def precept(precept_id: int):
    return _show(PreceptYear, precept_id)


@bp.route("/precepts/<int:precept_id>/pcc", methods=["GET", "POST"])
def precept_pcc(precept_id: int):
    return _side(PreceptYear, precept_id, "pcc")


@bp.route("/precepts/<int:precept_id>/panel", methods=["GET", "POST"])
def precept_panel(precept_id: int):
    return _side(PreceptYear, precept_id, "panel")


@bp.route("/appointments/new", methods=["GET", "POST"])
@permission_required(policy.can_record_pcc_side)
def new_appointment():
    return _new(ChiefConstableAppointment, "Record a proposed Chief Constable appointment")


@bp.route("/appointments/<int:appointment_id>")
def appointment(appointment_id: int):
    return _show(ChiefConstableAppointment, appointment_id)


@bp.route("/appointments/<int:appointment_id>/pcc", methods=["GET", "POST"])
def appointment_pcc(appointment_id: int):
    return _side(ChiefConstableAppointment, appointment_id, "pcc")


@bp.route("/appointments/<int:appointment_id>/panel", methods=["GET", "POST"])
def appointment_panel(appointment_id: int):
    return _side(ChiefConstableAppointment, appointment_id, "panel")


@bp.route("/annual-reports/new", methods=["GET", "POST"])
@permission_required(policy.can_record_pcc_side)
def new_annual_report():
    return _new(AnnualReportReview, "Record an annual report")


@bp.route("/annual-reports/<int:review_id>")
def annual_report(review_id: int):
    return _show(AnnualReportReview, review_id)


@bp.route("/annual-reports/<int:review_id>/pcc", methods=["GET", "POST"])
def annual_report_pcc(review_id: int):
    return _side(AnnualReportReview, review_id, "pcc")


@bp.route("/annual-reports/<int:review_id>/panel", methods=["GET", "POST"])
def annual_report_panel(review_id: int):
    return _side(AnnualReportReview, review_id, "panel")
