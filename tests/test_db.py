"""UTCDateTime: instants are written in UTC and always read back aware, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from tracker.auth.models import LoginAttempt
from tracker.db import db


def _store(app, attempted_at: datetime) -> datetime:
    with app.app_context():
        attempt = LoginAttempt(
            email="someone@example.org",
            ip_address="192.0.2.1",
            succeeded=False,
            attempted_at=attempted_at,
        )
        db.session.add(attempt)
        db.session.commit()
        attempt_id = attempt.id
        db.session.expunge_all()
        return db.session.get(LoginAttempt, attempt_id).attempted_at


def test_instants_are_read_back_aware_in_utc(app):
    stored = _store(app, datetime(2024, 3, 5, 14, 30, tzinfo=UTC))
    assert stored == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_an_instant_in_another_zone_is_stored_as_the_same_moment(app):
    summer = timezone(timedelta(hours=1))
    stored = _store(app, datetime(2024, 7, 1, 9, 0, tzinfo=summer))
    assert stored == datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_a_naive_datetime_is_refused(app):
    with pytest.raises(StatementError, match="naive datetime"):
        _store(app, datetime(2024, 3, 5, 14, 30))  # noqa: DTZ001 - the naive value under test
