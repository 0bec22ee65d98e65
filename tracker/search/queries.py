"""Searching the index: the records of one kind matching a query, and the search page's
groups of hits, each filtered by the reader's visibility rules before it is counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, column, false, func, literal_column, select, table
from sqlalchemy.sql.expression import ColumnElement

from tracker import policy
from tracker.actions.models import Action
from tracker.db import db
from tracker.search.index import INDEXED, MODEL_OF_KIND
from tracker.search.models import FTS_TABLE, SearchEntry, SearchKind
from tracker.search.words import Phrase, fts5_query, parse_query, tsquery, words_of
from tracker.sources.models import AdhocRequest, Finding, HmicfrsReport, Meeting, PanelItem

QUERY_MAX = 200
GROUP_LIMIT = 10
SNIPPET_WORDS = 24

_fts = table(FTS_TABLE, column("rowid", Integer))


def _entry_matches(phrases: list[Phrase]) -> ColumnElement[bool]:
    """A WHERE clause on search_entries: the entry holds every phrase (this database's
    text index does the matching)."""
    if db.session.get_bind().dialect.name == "sqlite":
        matching = select(_fts.c.rowid).where(
            literal_column(FTS_TABLE).op("MATCH")(fts5_query(phrases))
        )
        return SearchEntry.id.in_(matching)
    simple = literal_column("'simple'")
    return func.to_tsvector(simple, SearchEntry.words).op("@@")(
        func.to_tsquery(simple, tsquery(phrases))
    )


def matching_ids(kind: str, q: str) -> Select[tuple[int]] | None:
    """Ids of the records of `kind` that `q` finds, or None when `q` has no words."""
    phrases = parse_query(q[:QUERY_MAX])
    if not phrases:
        return None
    return select(SearchEntry.record_id).where(SearchEntry.kind == kind, _entry_matches(phrases))


def found_by(model: type, q: str) -> ColumnElement[bool]:
    """A WHERE clause on `model`: the record is found by the search `q` (none are when
    `q` has no letters or digits)."""
    ids = matching_ids(INDEXED[model][0], q)
    return false() if ids is None else model.id.in_(ids)


# The search page ------------------------------------------------------------------------

GROUPS: tuple[tuple[str, str], ...] = (
    (SearchKind.ACTION, "Actions"),
    (SearchKind.MEETING, "A&A meetings"),
    (SearchKind.ADHOC_REQUEST, "Ad-hoc requests"),
    (SearchKind.PANEL_ITEM, "Panel items"),
    (SearchKind.HMICFRS_REPORT, "HMICFRS reports"),
    (SearchKind.FINDING, "HMICFRS findings"),
)


@dataclass
class Hit:
    """One record found: what the results list shows for it."""

    kind: str
    record: Any
    reference: str
    title: str
    snippet: list[tuple[str, bool]]  # pieces of text, and whether each matched


@dataclass
class HitGroup:
    kind: str
    label: str
    total: int
    hits: list[Hit] = field(default_factory=list)


def _visibility(user: Any, model: type) -> ColumnElement[bool]:
    if model is Action:
        return policy.action_visibility(user)
    return policy.source_visibility(user, model)


def _order(model: type) -> list[Any]:
    return {
        Action: [Action.reference],
        Meeting: [Meeting.held_on.desc()],
        AdhocRequest: [AdhocRequest.sent_on.desc()],
        PanelItem: [PanelItem.panel_meeting_on.desc()],
        HmicfrsReport: [HmicfrsReport.published_on.desc()],
        Finding: [Finding.report_id.desc(), Finding.reference],
    }[model] + [model.id]


def search_everything(user: Any, q: str, *, limit: int = GROUP_LIMIT) -> list[HitGroup]:
    """Every kind's records that `q` finds and `user` may open: a count and the first
    `limit` hits per kind (two statements per kind, whatever the number of hits)."""
    phrases = parse_query(q[:QUERY_MAX])
    if not phrases:
        return []
    groups = []
    for kind, label in GROUPS:
        model = MODEL_OF_KIND[kind]
        found = select(model).where(found_by(model, q), _visibility(user, model))
        total = db.session.scalar(select(func.count()).select_from(found.subquery())) or 0
        group = HitGroup(kind=kind, label=label, total=total)
        if total:
            records = db.session.scalars(found.order_by(*_order(model)).limit(limit)).all()
            group.hits = [_hit(kind, record, phrases) for record in records]
        groups.append(group)
    return groups


def _hit(kind: str, record: Any, phrases: list[Phrase]) -> Hit:
    """What the results list shows for `record`: a reference, a title and a snippet."""
    if isinstance(record, Action):
        reference, title, text = record.reference, record.title, record.description
    elif isinstance(record, Meeting):
        reference, title, text = record.held_on.isoformat(), record.title, record.themes
    elif isinstance(record, AdhocRequest):
        reference, title, text = record.sent_on.isoformat(), record.subject, record.detail
    elif isinstance(record, PanelItem):
        reference = record.agenda_item or record.panel_meeting_on.isoformat()
        title, text = record.kind.label, record.text
    elif isinstance(record, HmicfrsReport):
        reference, title, text = record.code, record.title, ""
    else:
        reference, title, text = record.reference, record.kind.label, record.text
    return Hit(kind, record, reference, title, snippet(text, phrases))


def snippet(text: str | None, phrases: list[Phrase]) -> list[tuple[str, bool]]:
    """About SNIPPET_WORDS words of `text` around the first word the query matched, as
    (text, matched) pieces for the template to mark up (it escapes them)."""
    pieces = (text or "").split()
    if not pieces:
        return []
    starts = {phrase.words[-1] for phrase in phrases}
    whole = {word for phrase in phrases for word in phrase.words[:-1]}

    def matched(piece: str) -> bool:
        return any(w in whole or any(w.startswith(s) for s in starts) for w in words_of(piece))

    marks = [matched(piece) for piece in pieces]
    first = marks.index(True) if True in marks else 0
    begin = max(first - SNIPPET_WORDS // 3, 0)
    end = min(begin + SNIPPET_WORDS, len(pieces))
    shown: list[tuple[str, bool]] = [("… ", False)] if begin else []
    for piece, mark in zip(pieces[begin:end], marks[begin:end], strict=True):
        shown.append((piece + " ", mark))
    if end < len(pieces):
        shown.append(("…", False))
    return shown
