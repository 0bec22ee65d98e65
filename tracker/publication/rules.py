"""Rules for publication records, written once: forms and services call them, and the
database CHECK (a published record has its link) backs the first."""

from __future__ import annotations

from datetime import date


def record_errors(*, published_on: date | None, url: str, today: date) -> dict[str, str]:
    """Field -> message for a publication record that cannot be saved as it stands."""
    problems: dict[str, str] = {}
    if published_on is not None and published_on > today:
        problems["published_on"] = "Date published must be today or in the past"
    if published_on is not None and not url.strip():
        problems["url"] = "Enter the link to the published document"
    return problems
