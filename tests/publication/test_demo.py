"""The demo data includes a register with items met, due and late, published meeting
outcomes and a published decision, and the public pages show them."""

from __future__ import annotations

from tests.factories import london_today
from tracker.publication.providers import PublicationStatus, published, register


def test_demo_register_has_items_met_due_and_late(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    today = london_today()
    with app.test_request_context():
        statuses = {row.status(today) for row in register()}
        public = published()
    assert {
        PublicationStatus.PUBLISHED_ON_TIME,
        PublicationStatus.PUBLISHED_LATE,
        PublicationStatus.DUE,
        PublicationStatus.OVERDUE,
    } <= statuses
    kinds = {row.kind for row in public}
    assert "A&A minutes and outcome summary" in kinds
    assert "Decision" in kinds
    page = client.get("/public/").text
    assert "Decision 2026/07: extending the rural crime team" in page


def test_seeding_twice_adds_the_publication_records_once(app, runner):
    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo"])
    with app.test_request_context():
        titles = [row.title for row in register() if row.kind == "Decision"]
    assert len(titles) == len(set(titles)) == 3
