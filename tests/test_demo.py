"""`flask seed-demo` loads realistic sample data once, showing every RAG colour."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import london_today
from tracker.actions.models import Action, ActionUpdate
from tracker.actions.queries import rag_of
from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.sources.models import AdhocRequest, HmicfrsReport, Meeting, PanelItem


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Meeting,
                AdhocRequest,
                PanelItem,
                HmicfrsReport,
                Action,
                ActionUpdate,
                AuditEvent,
            )
        }


def test_seed_demo_loads_the_reference_sources(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    loaded = counts(app)
    assert loaded["meetings"] == 4
    assert loaded["adhoc_requests"] == 4
    assert loaded["panel_items"] == 9
    assert loaded["hmicfrs_reports"] == 6
    assert loaded["actions"] >= 20
    with app.app_context():
        titles = db.session.scalars(select(Meeting.title)).all()
    assert any("Most Appropriate Agency" in t for t in titles)


def test_seed_demo_shows_every_rag_colour(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        rags = set(db.session.scalars(select(rag_of(london_today(), 14)).select_from(Action)))
    assert rags == {"red", "amber", "green", "complete"}


def test_seed_demo_twice_adds_nothing(app, runner):
    runner.invoke(args=["seed-demo"])
    first = counts(app)
    second_run = runner.invoke(args=["seed-demo"])
    assert second_run.exit_code == 0
    assert "left unchanged" in second_run.output
    assert counts(app) == first


def test_every_demo_user_can_open_every_list(app, runner):
    from tests.conftest import AuthActions
    from tracker.demo import DEMO_USERS

    runner.invoke(args=["seed-demo"])
    for demo in DEMO_USERS:
        client = app.test_client()
        AuthActions(client).login(demo.email, demo.password)
        for url in (
            "/",
            "/actions/",
            "/actions/dashboard",
            "/meetings/",
            "/requests/",
            "/panel/",
            "/hmicfrs/",
        ):
            assert client.get(url).status_code == 200, (demo.email, url)
