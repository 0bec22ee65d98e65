"""One way to cut a list into pages: count the matching rows, then fetch one page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from tracker.db import db


@dataclass(frozen=True)
class Page:
    """Which page of a list is shown: its number (from 1), the page size and the total."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max((self.total + self.size - 1) // self.size, 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def apply(self, query: Select) -> Select:
        """`query` limited to this page's rows (the caller has ordered it)."""
        return query.limit(self.size).offset((self.number - 1) * self.size)


def count_of(query: Select) -> int:
    """How many rows `query` returns, in one statement."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page_of(query: Select, number: int, size: int) -> Page:
    """The page numbered `number` of `query` (clamped to the last page; counts once)."""
    total = count_of(query)
    page = Page(number=1, size=size, total=total)
    return Page(number=min(max(number, 1), page.pages), size=size, total=total)
