"""Fixtures for the security tests: the world, and a snapshot of every table."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.security.world import World, build_world
from tracker.db import db


@pytest.fixture
def world(app: Flask) -> World:
    """One record of each kind and one signed-in client per identity."""
    return build_world(app)


def snapshot(app: Flask) -> dict[str, list[Any]]:
    """Every row of every table, so a test can prove that nothing changed."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in db.metadata.sorted_tables
        }


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """Names of the tables whose rows differ between two snapshots."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
