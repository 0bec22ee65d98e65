"""New action references come from one allocator, for one action or a whole import."""

from __future__ import annotations

from datetime import date

from tests.factories import make_action, make_finding, make_report
from tracker.actions.services import ReferenceAllocator, next_reference
from tracker.db import db
from tracker.sources.models import Finding, Meeting

RAISED = date(2023, 6, 5)


def test_numbered_series_continues_after_the_highest(app, meeting, officer):
    make_action(app, meeting, officer, reference="AA-2023-007")
    with app.app_context():
        assert next_reference(db.session.get(Meeting, meeting.id), RAISED) == "AA-2023-008"


def test_numbered_series_starts_at_one_each_year(app, meeting, officer):
    make_action(app, meeting, officer, reference="AA-2023-007")
    with app.app_context():
        assert next_reference(db.session.get(Meeting, meeting.id), date(2024, 1, 2)) == (
            "AA-2024-001"
        )


def test_allocator_skips_references_taken_in_the_same_file(app, meeting, officer):
    make_action(app, meeting, officer, reference="AA-2023-007")
    with app.app_context():
        source = db.session.get(Meeting, meeting.id)
        allocator = ReferenceAllocator({"AA-2023-009"})
        allocated = [allocator.allocate(source, RAISED) for _ in range(3)]
    assert allocated == ["AA-2023-008", "AA-2023-010", "AA-2023-011"]


def test_finding_series_takes_the_first_free_suffix_around_the_database(app, officer):
    report = make_report(app, code="PEEL22")
    finding = make_finding(app, report, reference="R1")
    make_action(app, finding, officer, reference="HM-PEEL22-R1")
    make_action(app, finding, officer, reference="HM-PEEL22-R1-3")
    with app.app_context():
        source = db.session.get(Finding, finding.id)
        assert next_reference(source, RAISED) == "HM-PEEL22-R1-2"
        allocator = ReferenceAllocator()
        allocated = [allocator.allocate(source, RAISED) for _ in range(2)]
    assert allocated == ["HM-PEEL22-R1-2", "HM-PEEL22-R1-4"]
