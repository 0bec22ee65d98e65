"""Shared helpers for the report tests: a controlled clock, PDF text and page text."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

import tracker.clock
import tracker.db

LONDON = ZoneInfo("Europe/London")
_REAL = datetime


class Clock:
    """Controls the app's clock (tracker.db.utcnow and tracker.clock.today) in a test."""

    def __init__(self) -> None:
        self.instant: datetime | None = None

    def set(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> None:
        """Move to a local (Europe/London) time."""
        self.instant = datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)

    def release(self) -> None:
        self.instant = None


def install_clock(monkeypatch) -> Clock:
    clock = Clock()

    class Controlled(_REAL):
        @classmethod
        def now(cls, tz=None):
            if clock.instant is None:
                return _REAL.now(tz)
            return clock.instant.astimezone(tz) if tz else clock.instant.replace(tzinfo=None)

    monkeypatch.setattr(tracker.db, "datetime", Controlled)
    monkeypatch.setattr(tracker.clock, "datetime", Controlled)
    return clock


def page_text(page) -> str:
    """A PDF page's text with line wrapping undone."""
    return " ".join(page.extract_text().split())


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page_text(p) for p in reader.pages)


def visible_text(page_html: str) -> str:
    """An HTML page's text, tags removed and spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", page_html)
    return " ".join(html.unescape(without_tags).split())
