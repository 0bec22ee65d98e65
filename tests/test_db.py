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


def test_a_built_statement_is_built_once_per_key_and_app(app):
    from sqlalchemy import select

    from tracker.db import built_statement

    builds = []

    def build(n):
        builds.append(n)
        return select(LoginAttempt.id).limit(n)

    with app.app_context():
        first = built_statement(("test", 1), lambda: build(1))
        assert built_statement(("test", 1), lambda: build(1)) is first
        assert built_statement(("test", 2), lambda: build(2)) is not first
    assert builds == [1, 2]


def test_built_statements_forget_the_least_recently_used(app, monkeypatch):
    from sqlalchemy import select

    from tracker import db as db_module

    monkeypatch.setattr(db_module, "BUILT_STATEMENTS_KEPT", 2)
    with app.app_context():
        kept = db_module.built_statement("a", lambda: select(LoginAttempt.id))
        db_module.built_statement("b", lambda: select(LoginAttempt.id))
        db_module.built_statement("a", lambda: select(LoginAttempt.id))  # used again
        db_module.built_statement("c", lambda: select(LoginAttempt.id))
        assert db_module.built_statement("a", lambda: select(LoginAttempt.id)) is kept
        assert set(app.extensions["tracker_built_statements"]) == {"a", "c"}


def test_clause_keys_differ_with_what_the_clause_says(app, officer, liaison, clerk):
    from tracker import policy
    from tracker.actions.models import Action
    from tracker.db import clause_key

    with app.app_context():
        keys = {
            who: clause_key(policy.action_visibility(user))
            for who, user in (("officer", officer), ("liaison", liaison), ("clerk", clerk))
        }
        assert len(set(keys.values())) == 3
        assert clause_key(policy.action_visibility(liaison)) == keys["liaison"]
        assert clause_key(Action.owner_id == 1) != clause_key(Action.owner_id == 2)


def test_sqlite_connections_keep_a_larger_page_cache(app):
    from tracker.db import SQLITE_CACHE_KIB

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a SQLite setting")
        cache_size = db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
    assert cache_size == -SQLITE_CACHE_KIB


def test_postgresql_connections_compile_no_statement_to_machine_code(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting")
        db.session.rollback()
        assert db.session.connection().exec_driver_sql("SHOW jit").scalar() == "off"
