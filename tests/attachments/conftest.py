"""Fixtures for attachment tests: a meeting with one force-owned action, and helpers
to post files through the action page's forms."""

from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token_from
from tests.factories import make_action, make_meeting


@pytest.fixture
def meeting(app):
    return make_meeting(app, title="Q4 2022/23 performance meeting")


@pytest.fixture
def force_action(app, meeting, liaison):
    return make_action(app, meeting, liaison, title="Review the victims needs assessment")


def upload(*named: tuple[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    """Files for a multipart POST: (name, content) pairs."""
    return [(io.BytesIO(content), name) for name, content in named]


@pytest.fixture
def post_files(client):
    """POST `data` (files included) to `url`, with the CSRF token from `form_page`."""

    def _post(url: str, data: dict, *, form_page: str):
        token = csrf_token_from(client.get(form_page).text)
        return client.post(
            url, data={"csrf_token": token, **data}, content_type="multipart/form-data"
        )

    return _post
