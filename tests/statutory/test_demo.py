"""The demo data includes a precept year with a veto and an annual-report review."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import london_today
from tracker.db import db
from tracker.statutory.models import AnnualReportReview, PreceptYear, VetoReason
from tracker.statutory.rules import precept_timeline


def test_demo_has_a_vetoed_precept_year_with_every_step_done(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        precept = db.session.scalars(select(PreceptYear)).one()
        assert precept.vetoed
        assert precept.veto_reason == VetoReason.TOO_HIGH
        assert precept.revised_band_d < precept.proposed_band_d
        assert all(step.done_on for step in precept_timeline(precept))
        assert all(step.done_on <= london_today() for step in precept_timeline(precept))
        review = db.session.scalars(select(AnnualReportReview)).one()
        assert review.published_on <= london_today()
        assert review.response_on <= review.response_due_on


def test_seeding_twice_adds_the_statutory_records_once(app, runner):
    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        assert len(db.session.scalars(select(PreceptYear)).all()) == 1
