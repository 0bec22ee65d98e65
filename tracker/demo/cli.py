"""`flask seed-demo`: demonstration users, reference lists and realistic sample data.

Idempotent: running it again creates only what is missing and never changes
existing records. Refused in production, where the printed passwords would be a risk.

The sample data (`sample_data.json`) tells a story over the past few months. On a
fresh database the users and reference lists are created on its first day and the
story is replayed under a controlled clock, so history and "as at" reports look as
they would after months of use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from tracker.auth.models import Role, User
from tracker.auth.services import create_user_with_password, find_user_by_email
from tracker.clock import local_zone, today
from tracker.db import db
from tracker.demo.clock import DemoClock, controlled_clock
from tracker.demo.loader import (
    Cast,
    SampleData,
    audit_trail_ends_by,
    read_sample_data,
    sample_data_present,
)
from tracker.demo.publication import seed_publications
from tracker.demo.statutory import seed_statutory
from tracker.programme.services import seed_meeting_kinds
from tracker.settings.services import get_setting, seed_reference_lists, set_setting


@dataclass(frozen=True)
class DemoUser:
    name: str
    email: str
    role: Role
    password: str


DEMO_USERS = (
    DemoUser("Alex Morgan", "admin@opcc.example.org", Role.ADMIN, "harbour-lantern-admin-demo"),
    DemoUser(
        "Priya Shah",
        "priya.shah@opcc.example.org",
        Role.OPCC_OFFICER,
        "orchard-kettle-officer-demo",
    ),
    DemoUser(
        "Sam Taylor",
        "sam.taylor@police.example.org",
        Role.FORCE_LIAISON,
        "granite-meadow-liaison-demo",
    ),
    DemoUser(
        "Chris Evans",
        "chris.evans@council.example.org",
        Role.PANEL_CLERK,
        "willow-compass-clerk-demo",
    ),
)


def seed_demo_users() -> list[tuple[DemoUser, bool]]:
    """Create the demo users that do not exist yet; returns (user, created) pairs."""
    outcome = []
    for demo in DEMO_USERS:
        created = find_user_by_email(demo.email) is None
        if created:
            create_user_with_password(
                name=demo.name,
                email=demo.email,
                role=demo.role,
                password=demo.password,
                summary="Demo user created by flask seed-demo",
            )
        outcome.append((demo, created))
    return outcome


@click.command("seed-demo")
@click.option(
    "--force", is_flag=True, help="Allow seeding outside development (never in live use)."
)
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
@with_appcontext
def seed_demo_command(force: bool, if_empty: bool) -> None:
    """Create demo users, one per role, and print their sign-in details."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to create demo accounts in production (their passwords are public). "
            "Set TRACKER_ENV=development, or pass --force on a throw-away database."
        )
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has users: no demo data added.")
        outcome = [(demo, False) for demo in DEMO_USERS]
    else:
        with controlled_clock(local_zone()) as clock:
            outcome = _seed(clock)
    click.echo("Demo sign-in details (development only):")
    width = max(len(demo.email) for demo, _ in outcome)
    for demo, created in outcome:
        note = "created" if created else "already existed"
        click.echo(
            f"  {demo.role.label:<22} {demo.email:<{width}}  password: {demo.password}  ({note})"
        )


def _seed(clock: DemoClock) -> list[tuple[DemoUser, bool]]:
    """Users, reference lists and sample data; the users are dated when the story starts."""
    sample = SampleData(read_sample_data(), today())
    clock.set(sample.first_day, time(8, 0))
    fits = not sample_data_present() and audit_trail_ends_by(clock.instant)
    if not fits:
        clock.release()
    outcome = seed_demo_users()
    added_tags = seed_reference_lists()
    seed_meeting_kinds()
    created = {}
    if fits:
        cast = Cast(
            officer=find_user_by_email(DEMO_USERS[1].email),
            liaison=find_user_by_email(DEMO_USERS[2].email),
            admin=find_user_by_email(DEMO_USERS[0].email),
            clerk=find_user_by_email(DEMO_USERS[3].email),
        )
        created = sample.run(cast, clock)
        created |= seed_statutory(cast.officer, find_user_by_email(DEMO_USERS[3].email), today())
        created |= seed_publications(cast.officer, today())
    # The demo officer and liaison act as the leads who receive escalations.
    for key, demo in (("opcc_lead_email", DEMO_USERS[1]), ("force_lead_email", DEMO_USERS[2])):
        if not get_setting(key):
            set_setting(key, demo.email, by=None)
    db.session.commit()
    if added_tags:
        click.echo(f"Added {added_tags} reference list entries.")
    if created:
        click.echo("Sample data: " + ", ".join(f"{n} {what}" for what, n in created.items()))
    elif sample_data_present():
        click.echo("Sample data already present: left unchanged.")
    else:
        click.echo(
            "Sample data not added: the audit trail already has events after "
            f"{sample.first_day}, when the sample history starts."
        )
    return outcome
