"""Fixtures for publication tests: the reminder fixtures (leads, run_day)."""

from tests.reminders.conftest import leads, run_day  # noqa: F401 - shared fixtures
