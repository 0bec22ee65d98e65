"""Fixtures for reminder tests: leads configured, and helpers to run a day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.db import db
from tracker.reminders.cli import run_reminders
from tracker.reminders.models import OutboxMessage, ReminderItem
from tracker.settings.models import Setting

# A Wednesday in term time: no bank holiday near it.
TODAY = date(2026, 6, 10)


@pytest.fixture
def leads(app, officer, make_user):
    """An OPCC lead and a force lead contact, set in Settings."""
    from tracker.auth.models import Role

    force_lead = make_user(
        Role.FORCE_LIAISON, name="Fran Forcelead", email="fran.lead@police.example.org"
    )
    opcc_lead = make_user(
        Role.OPCC_OFFICER, name="Oscar Opcclead", email="oscar.lead@opcc.example.org"
    )
    with app.app_context():
        db.session.add(Setting(key="opcc_lead_email", value=opcc_lead.email))
        db.session.add(Setting(key="force_lead_email", value=force_lead.email))
        db.session.commit()
    return {"opcc": opcc_lead, "force": force_lead}


@pytest.fixture
def run_day(app):
    """Plan and send reminders for a day, as `flask reminders run --today` does."""

    def _run(day: date, *, dry_run: bool = False):
        with app.test_request_context():
            result, sent = run_reminders(day, dry_run=dry_run)
            return result, sent

    return _run


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def outbox_count(app) -> int:
    return count(app, OutboxMessage)


def item_count(app) -> int:
    return count(app, ReminderItem)
