"""Keeping the search index in step with the records it covers.

Why a SQLAlchemy session hook rather than database triggers: the words are stemmed in
Python (`tracker.search.words`), which a SQLite trigger cannot do, and one hook serves
both databases. `after_flush` runs inside the flush, on the session's own connection, so
the entry is written in the same transaction as the record: a rollback takes both back.
Writes that bypass the unit of work (a bulk `insert(Action)` in the spreadsheet import,
`delete(model)` in its undo, bench.generate's Core inserts) call `index_records` /
`forget_records` or `rebuild` themselves.

Only text that everyone who may open the record may read is indexed: an action's
reference, title and description (never its OPCC note), a meeting's title and themes, a
request's subject and detail, a Panel item's agenda item and text, a report's code and
title, a finding's reference and text. Whether a hit is shown is decided afterwards by
the usual visibility rules (`tracker.search.queries`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select, tuple_
from sqlalchemy.orm import Session

from tracker.actions.models import Action
from tracker.search.models import SearchEntry, SearchKind
from tracker.search.words import words_of
from tracker.sources.models import AdhocRequest, Finding, HmicfrsReport, Meeting, PanelItem

# model -> (kind, the attributes whose text is indexed, in order)
INDEXED: dict[type, tuple[str, tuple[str, ...]]] = {
    Action: (SearchKind.ACTION, ("reference", "title", "description")),
    Meeting: (SearchKind.MEETING, ("title", "themes")),
    AdhocRequest: (SearchKind.ADHOC_REQUEST, ("subject", "detail")),
    PanelItem: (SearchKind.PANEL_ITEM, ("agenda_item", "text")),
    HmicfrsReport: (SearchKind.HMICFRS_REPORT, ("code", "title")),
    Finding: (SearchKind.FINDING, ("reference", "text")),
}
MODEL_OF_KIND: dict[str, type] = {kind: model for model, (kind, _) in INDEXED.items()}
BATCH = 2000


def words_for(model: type, values: Any) -> str:
    """The words stored for a record of `model` (an instance or a row with its columns)."""
    _, fields = INDEXED[model]
    return " ".join(words_of(*(getattr(values, name) for name in fields)))


def _changed(record: Any, fields: tuple[str, ...]) -> bool:
    state = inspect(record)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _after_flush(session: Session, _flush_context: Any) -> None:
    """Write the entries of the records this flush created, changed or deleted."""
    written: dict[str, dict[int, str]] = {}
    removed: list[tuple[str, int]] = []
    for record in session.new:
        if type(record) in INDEXED:
            kind, _ = INDEXED[type(record)]
            written.setdefault(kind, {})[record.id] = words_for(type(record), record)
    for record in session.dirty:
        if type(record) in INDEXED:
            kind, fields = INDEXED[type(record)]
            if _changed(record, fields):
                written.setdefault(kind, {})[record.id] = words_for(type(record), record)
    for record in session.deleted:
        if type(record) in INDEXED:
            removed.append((INDEXED[type(record)][0], inspect(record).identity[0]))
    if not written and not removed:
        return
    connection = session.connection()
    for kind, words in written.items():
        _write(connection, kind, words)
    _remove(connection, removed)


def _write(connection: Any, kind: str, words: dict[int, str]) -> None:
    """Replace the entries of these records of `kind`."""
    ids = list(words)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        connection.execute(
            delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.record_id.in_(part))
        )
        connection.execute(
            insert(SearchEntry),
            [{"kind": kind, "record_id": id_, "words": words[id_]} for id_ in part],
        )


def _remove(connection: Any, records: list[tuple[str, int]]) -> None:
    for start in range(0, len(records), BATCH):
        part = records[start : start + BATCH]
        connection.execute(
            delete(SearchEntry).where(tuple_(SearchEntry.kind, SearchEntry.record_id).in_(part))
        )


def index_records(session: Session, model: type, ids: Iterable[int]) -> None:
    """(Re)write the entries of these records of `model` from the database (for code that
    writes records without the unit of work)."""
    kind, fields = INDEXED[model]
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        columns = [model.id, *(getattr(model, name) for name in fields)]
        rows = session.execute(select(*columns).where(model.id.in_(part))).all()
        _write(session.connection(), kind, {row.id: words_for(model, row) for row in rows})


def forget_records(session: Session, model: type, ids: Iterable[int]) -> None:
    """Remove the entries of these records of `model` (for bulk deletes)."""
    kind, _ = INDEXED[model]
    _remove(session.connection(), [(kind, id_) for id_ in ids])


def rebuild(
    session: Session, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Empty the index and index every record again; returns the entries per kind."""
    session.flush()
    connection = session.connection()
    connection.execute(delete(SearchEntry))
    counts: dict[str, int] = {}
    for model, (kind, fields) in INDEXED.items():
        columns = [model.id, *(getattr(model, name) for name in fields)]
        counts[kind] = 0
        last = 0
        while True:  # a page of records at a time, by id (no cursor held across writes)
            rows = session.execute(
                select(*columns).where(model.id > last).order_by(model.id).limit(BATCH)
            ).all()
            if not rows:
                break
            _insert(connection, kind, {row.id: words_for(model, row) for row in rows})
            counts[kind] += len(rows)
            last = rows[-1].id
        if progress:
            progress(kind, counts[kind])
    return counts


def _insert(connection: Any, kind: str, words: dict[int, str]) -> None:
    connection.execute(
        insert(SearchEntry),
        [{"kind": kind, "record_id": id_, "words": text} for id_, text in words.items()],
    )


def init_app() -> None:
    """Listen to every session's flushes (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
