"""The search index: one row of words per indexed record, and each database's text index.

`search_entries` is an ordinary table (one row per action, meeting, ad-hoc request,
Panel item, HMICFRS report or finding) holding the record's words as made by
`tracker.search.words`. Each database indexes that column its own way:

- SQLite: an FTS5 table `search_index` with `search_entries` as its external content
  (`content_rowid` = the entry id). Three SQLite triggers on `search_entries` keep it in
  step, so any write to the entries (the session hook, a rebuild, a test emptying tables)
  updates the FTS index in the same statement and the same transaction.
- PostgreSQL: a GIN index on `to_tsvector('simple', words)`; PostgreSQL keeps it in step
  with the table itself.

Both are created by `create_all` (DDL hooks below, for tests and bench.generate) and by
the migration that adds the table. Neither is part of the models' metadata, so
`is_index_object` tells Alembic to leave them out of its comparison.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import db

FTS_TABLE = "search_index"
GIN_INDEX = "ix_search_entries_words_tsv"


class SearchKind:
    """The kinds of indexed record, as stored in `search_entries.kind`."""

    ACTION = "action"
    MEETING = "meeting"
    ADHOC_REQUEST = "adhoc_request"
    PANEL_ITEM = "panel_item"
    HMICFRS_REPORT = "hmicfrs_report"
    FINDING = "finding"


class SearchEntry(db.Model):
    """The searchable words of one record (never OPCC-only notes)."""

    __tablename__ = "search_entries"
    # record_id first: an index led by kind (six values) would tempt SQLite's planner to
    # scan every entry of a kind instead of fetching the few the text index found by id.
    __table_args__ = (UniqueConstraint("record_id", "kind", name="uq_search_entries_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    words: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<SearchEntry {self.kind} {self.record_id}>"


# SQL shared by the DDL hooks and the migration.
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_index USING fts5(words, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 4')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_index(rowid, words) VALUES (new.id, new.words); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_index(search_index, rowid, words) VALUES ('delete', old.id, old.words); "
    "END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_index(search_index, rowid, words) VALUES ('delete', old.id, old.words); "
    "INSERT INTO search_index(rowid, words) VALUES (new.id, new.words); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entries_au",
    "DROP TRIGGER IF EXISTS search_entries_ad",
    "DROP TRIGGER IF EXISTS search_entries_ai",
    "DROP TABLE IF EXISTS search_index",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX ix_search_entries_words_tsv ON search_entries "
    "USING gin (to_tsvector('simple', words))"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS ix_search_entries_words_tsv"]


def create_text_index(dialect: str) -> list[str]:
    """The statements creating the text index on `dialect` (after search_entries)."""
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}.get(dialect, [])


def drop_text_index(dialect: str) -> list[str]:
    """The statements dropping the text index on `dialect` (before search_entries)."""
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(dialect, [])


def is_index_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic include_object: False for the text index, which the models do not describe."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == GIN_INDEX)


def _untranslated(ddl: Any, target: Any, bind: Any, **kw: Any) -> bool:
    """Skip the hooks when the tables go to another schema (a scratch copy of the models,
    as the migration tests make): the index names would clash with the real ones."""
    return not bind.get_execution_options().get("schema_translate_map")


for _dialect in ("sqlite", "postgresql"):
    for _statement in create_text_index(_dialect):
        event.listen(
            SearchEntry.__table__,
            "after_create",
            DDL(_statement).execute_if(dialect=_dialect, callable_=_untranslated),
        )
    for _statement in drop_text_index(_dialect):
        event.listen(
            SearchEntry.__table__,
            "before_drop",
            DDL(_statement).execute_if(dialect=_dialect, callable_=_untranslated),
        )
