"""Deployment tests drive Chromium the same way as the browser tests."""

from tests.browser.conftest import browser_type_launch_args  # noqa: F401 - a fixture
