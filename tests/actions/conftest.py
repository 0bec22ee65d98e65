"""Fixtures for action tests: a meeting with one force-owned and one OPCC-owned action."""

from __future__ import annotations

import pytest

from tests.factories import make_action, make_meeting


@pytest.fixture
def meeting(app):
    return make_meeting(app, title="Q4 2022/23 performance meeting")


@pytest.fixture
def force_action(app, meeting, liaison):
    return make_action(app, meeting, liaison, title="Review the victims needs assessment")


@pytest.fixture
def opcc_action(app, meeting, officer):
    return make_action(app, meeting, officer, title="Publish the national priorities statement")
