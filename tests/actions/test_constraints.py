"""Database CHECKs that back the action rules refuse rows the rules refuse."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from tracker.actions.models import Action, SourceType
from tracker.db import db, utcnow


def _raw_action(meeting, owner, **values):
    now = utcnow()
    row = {
        "reference": "AA-2023-900",
        "title": "Raw insert",
        "description": "",
        "source_type": SourceType.MEETING,
        "meeting_id": meeting.id,
        "owner_id": owner.id,
        "owning_organisation": "force",
        "lead_role": "",
        "raised_on": date(2023, 6, 5),
        "due_on": date(2023, 9, 30),
        "original_due_on": date(2023, 9, 30),
        "marking": "official",
        "opcc_only": False,
        "opcc_note": "",
        "status": "open",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    row.update(values)
    # A Core insert on the table: no ORM, no service, only the database's own checks.
    db.session.execute(insert(Action.__table__).values(**row))
    db.session.flush()


def test_database_refuses_force_owned_opcc_only_action(app, meeting, liaison):
    with app.app_context():
        with pytest.raises(IntegrityError, match="force_owned_not_opcc_only"):
            _raw_action(meeting, liaison, owning_organisation="force", opcc_only=True)
        db.session.rollback()


@pytest.mark.parametrize(
    ("organisation", "opcc_only"), [("opcc", True), ("opcc", False), ("force", False)]
)
def test_database_accepts_the_other_combinations(app, meeting, officer, organisation, opcc_only):
    with app.app_context():
        _raw_action(meeting, officer, owning_organisation=organisation, opcc_only=opcc_only)
        db.session.commit()
