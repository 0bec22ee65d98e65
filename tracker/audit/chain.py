"""The audit hash chain: every audit event is linked to the one before it.

Each event has a place in the chain (`chain_seq`, 1, 2, 3, ... with no gaps), the hash
of the event before it (`prev_hash`; the first event uses `GENESIS_HASH`) and its own
`hash`, a SHA-256 digest over its content and `prev_hash`. Changing, removing or
reordering an event after it is written breaks the chain at that point, which
`verify_chain` (and `flask audit verify`) finds.

The canonical form hashed for an event (format version 1) is the UTF-8 encoding of a
JSON object with exactly these keys, written with sorted keys, no whitespace
(separators "," and ":") and non-ASCII characters escaped (``ensure_ascii``):

    v               1 (the format version)
    chain_seq       the event's place in the chain (integer)
    prev_hash       the previous event's hash (64 hex digits), or GENESIS_HASH
    occurred_at     the instant in UTC as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (a naive stored
                    value is taken to be UTC already)
    actor_id        integer or null
    entity_type     string
    entity_id       integer or null
    entity_version  integer or null
    action          string
    summary         string
    changes         the changes object itself (keys sorted like the rest), or null
    ip_address      string or null
    batch_id        integer or null

The database id is left out on purpose: it is not known until the row is inserted, and
the chain order (`chain_seq`) is what the chain protects.

Chain positions are handed out in a `before_flush` listener. It first takes the chain
lock, held until the transaction ends, so no other transaction can append at the same
time: on PostgreSQL a transaction-level advisory lock (`CHAIN_LOCK_KEY`); on SQLite the
database write lock (taken with ``BEGIN IMMEDIATE`` when this connection has not written
anything yet). It then reads the chain head once per transaction and numbers the
session's new events in the order they were added. Later flushes in the same
transaction continue from the remembered head; a rollback (of the transaction or of a
savepoint) forgets it, so the next flush reads the head again.

Audit events are append-only: the ORM refuses to update or delete one.

Keying. A plain SHA-256 chain can be recomputed by anyone who can write to the
database. So each new event's `hash` is an HMAC-SHA-256 of the same canonical form under
the audit key (`tracker.audit.keys`, from the environment, never stored in the
database), and its `key_id` names that key. Events written before keys were introduced
have no `key_id` and keep their plain SHA-256 hash: they must form the start of the
chain, and the first keyed event, whose HMAC covers the last plain hash through
`prev_hash`, anchors them. An unkeyed event after a keyed one is refused by verify.
Recomputing the whole chain as plain hashes is caught by the signed checkpoint of the
head (`tracker.audit.checkpoint`), which also catches a deleted tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from tracker.audit.keys import AuditKeys, keyed_digest
from tracker.audit.models import AuditEvent
from tracker.db import utcnow

GENESIS_HASH = "0" * 64
CANONICAL_VERSION = 1
# pg_advisory_xact_lock key for appending to the chain (the bytes of "audit").
CHAIN_LOCK_KEY = 0x6175646974

# The columns the hash covers, besides chain_seq and prev_hash.
CONTENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "entity_type",
    "entity_id",
    "entity_version",
    "action",
    "summary",
    "changes",
    "ip_address",
    "batch_id",
)

_HEAD_KEY = "audit_chain_head"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


# Hashing ---------------------------------------------------------------------------------


def utc_iso(moment: datetime) -> str:
    """`moment` in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ (naive values are taken as UTC)."""
    if moment.tzinfo is None:  # part of the format: migrations hash raw, untyped rows
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(content: Mapping[str, Any], *, chain_seq: int, prev_hash: str) -> bytes:
    """The bytes hashed for an event (see the module docstring for the format)."""
    document = {name: content[name] for name in CONTENT_COLUMNS}
    document["occurred_at"] = utc_iso(content["occurred_at"])
    document["chain_seq"] = chain_seq
    document["prev_hash"] = prev_hash
    document["v"] = CANONICAL_VERSION
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("utf-8")


def event_hash(
    content: Mapping[str, Any], *, chain_seq: int, prev_hash: str, key: bytes | None = None
) -> str:
    """The digest of an event's canonical form: HMAC-SHA-256 under `key`, else SHA-256."""
    canonical = canonical_form(content, chain_seq=chain_seq, prev_hash=prev_hash)
    if key is not None:
        return keyed_digest(key, canonical)
    return hashlib.sha256(canonical).hexdigest()


def _content_of(audit_event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(audit_event, name) for name in CONTENT_COLUMNS}


# Assigning chain positions -------------------------------------------------------------


def lock_chain(connection: Connection) -> None:
    """Hold the chain lock until this transaction ends (see the module docstring)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY:d})")
    elif dialect == "sqlite" and not connection.connection.driver_connection.in_transaction:
        # Python's sqlite3 opens a transaction at the first write, and a connection that
        # has written holds the database write lock until it commits or rolls back.
        # Before any write, take the lock now so the head read below cannot go stale.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_head(connection: Connection) -> tuple[int, str]:
    """The last chain position and its hash, or (0, GENESIS_HASH) for an empty chain."""
    row = connection.execute(
        select(AuditEvent.chain_seq, AuditEvent.hash)
        .where(AuditEvent.chain_seq.is_not(None))
        .order_by(AuditEvent.chain_seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, GENESIS_HASH
    return row.chain_seq, row.hash


def _chain_new_events(session: Session, new_events: list[AuditEvent]) -> None:
    """Give each new event the next chain position, its prev_hash and hash."""
    root = session.get_transaction()
    remembered = session.info.get(_HEAD_KEY)
    if remembered is not None and remembered[0] is root:
        _, seq, prev = remembered
    else:
        connection = session.connection(bind_arguments={"mapper": AuditEvent.__mapper__})
        lock_chain(connection)
        seq, prev = read_head(connection)
    keys = AuditKeys.for_app()
    for audit_event in sorted(new_events, key=lambda e: e._sa_instance_state.insert_order):
        _fill_defaults(audit_event)
        seq += 1
        audit_event.chain_seq = seq
        audit_event.prev_hash = prev
        audit_event.key_id = keys.current_id
        audit_event.hash = event_hash(
            _content_of(audit_event), chain_seq=seq, prev_hash=prev, key=keys.current
        )
        prev = audit_event.hash
    session.info[_HEAD_KEY] = (root, seq, prev)


def _fill_defaults(audit_event: AuditEvent) -> None:
    """Set the column defaults now (not at INSERT), so the hash covers the stored values."""
    if audit_event.occurred_at is None:
        audit_event.occurred_at = utcnow()
    elif audit_event.occurred_at.tzinfo is not None:
        # A naive value is left alone: UTCDateTime refuses it when the event is written.
        audit_event.occurred_at = audit_event.occurred_at.astimezone(UTC)
    if audit_event.summary is None:
        audit_event.summary = ""
    if audit_event.changes is None:
        audit_event.changes = {}


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    """Refuse changes to stored audit events; chain the new ones."""
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AppendOnlyError(f"Audit events cannot be deleted ({obj!r})")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AppendOnlyError(f"Audit events cannot be changed ({obj!r})")
    new_events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if new_events:
        _chain_new_events(session, new_events)


@event.listens_for(Session, "after_soft_rollback")
def _forget_head_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rollback (even to a savepoint) may remove events and release the lock."""
    session.info.pop(_HEAD_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_head_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """ORM-enabled UPDATE and DELETE statements on audit events are refused too."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AppendOnlyError("Audit events cannot be changed or deleted")


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"Audit events cannot be changed ({target!r})")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"Audit events cannot be deleted ({target!r})")


# Verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: where, which event, and what is wrong."""

    # "altered", "missing", "broken_link", "unchained", "unkeyed", "unknown_key",
    # "rewritten" (differs from the checkpoint) or "truncated" (ends before the checkpoint)
    kind: str
    chain_seq: int | None
    event_id: int | None
    expected_seq: int | None = None
    key_id: str | None = None

    @property
    def message(self) -> str:
        if self.kind == "altered":
            return (
                f"Audit trail broken at chain_seq {self.chain_seq} (event id {self.event_id}): "
                "the event's content was altered (its hash does not match its content"
                + (" under the audit key)." if self.key_id else ").")
            )
        if self.kind == "unkeyed":
            return (
                f"Audit trail broken at chain_seq {self.chain_seq} (event id {self.event_id}): "
                "the event is not signed with an audit key although earlier events are, "
                "so the chain was recomputed without the key."
            )
        if self.kind == "unknown_key":
            return (
                f"Audit trail cannot be checked from chain_seq {self.chain_seq} "
                f"(event id {self.event_id}): it is signed with audit key {self.key_id!r}, "
                "which is not configured (add it to AUDIT_OLD_KEYS)."
            )
        if self.kind == "rewritten":
            return (
                f"Audit trail broken at chain_seq {self.chain_seq} (event id {self.event_id}): "
                "the chain differs from the signed checkpoint taken at that position, "
                "so events up to it were changed and the chain recomputed."
            )
        if self.kind == "truncated":
            return (
                f"Audit trail broken: events are missing from the end. The chain stops at "
                f"chain_seq {self.chain_seq}, but the signed checkpoint recorded chain_seq "
                f"{self.expected_seq}."
            )
        if self.kind == "missing":
            return (
                f"Audit trail broken at chain_seq {self.expected_seq}: an event is missing "
                f"(gap: the next event is chain_seq {self.chain_seq}, event id {self.event_id})."
            )
        if self.kind == "broken_link":
            return (
                f"Audit trail broken at chain_seq {self.chain_seq} (event id {self.event_id}): "
                "the link to the previous event's hash is broken."
            )
        return (
            f"Audit trail broken: event id {self.event_id} is not in the chain "
            "(it has no chain_seq, so it was not written through the application)."
        )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking the whole chain."""

    count: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    @property
    def message(self) -> str:
        if self.broken is not None:
            return self.broken.message
        return f"Audit trail intact: {self.count} events"


_VERIFY_COLUMNS = [
    AuditEvent.id,
    AuditEvent.chain_seq,
    AuditEvent.prev_hash,
    AuditEvent.hash,
    AuditEvent.key_id,
    *(getattr(AuditEvent, name) for name in CONTENT_COLUMNS),
]


def _chain_rows(connection: Connection, batch_size: int) -> Iterator[Any]:
    """Every chained event in chain_seq order, fetched in batches (keyset pagination)."""
    last = None
    while True:
        query = select(*_VERIFY_COLUMNS).where(AuditEvent.chain_seq.is_not(None))
        if last is not None:
            query = query.where(AuditEvent.chain_seq > last)
        rows = connection.execute(query.order_by(AuditEvent.chain_seq).limit(batch_size)).all()
        yield from rows
        if len(rows) < batch_size:
            return
        last = rows[-1].chain_seq


@dataclass(frozen=True)
class Anchor:
    """A chain position and the hash it had, as recorded outside the database."""

    chain_seq: int
    hash: str


def _row_break(
    row: Any,
    *,
    expected_seq: int,
    prev: str,
    keys: AuditKeys,
    keyed_seen: bool,
    anchor: Anchor | None,
) -> ChainBreak | None:
    """What is wrong with one event, read in chain order (None: it is intact)."""
    if row.chain_seq != expected_seq:
        return ChainBreak("missing", row.chain_seq, row.id, expected_seq=expected_seq)
    if row.prev_hash != prev:
        return ChainBreak("broken_link", row.chain_seq, row.id)
    key = None
    if row.key_id is None and keyed_seen:
        # Once events are keyed, a plain hash means someone rewrote it without the key.
        return ChainBreak("unkeyed", row.chain_seq, row.id)
    if row.key_id is not None:
        key = keys.secrets.get(row.key_id)
        if key is None:
            return ChainBreak("unknown_key", row.chain_seq, row.id, key_id=row.key_id)
    recomputed = event_hash(row._mapping, chain_seq=row.chain_seq, prev_hash=prev, key=key)
    if recomputed != row.hash:
        return ChainBreak("altered", row.chain_seq, row.id, key_id=row.key_id)
    if anchor is not None and row.chain_seq == anchor.chain_seq and row.hash != anchor.hash:
        return ChainBreak("rewritten", row.chain_seq, row.id)
    return None


def verify_chain(
    connection: Connection,
    *,
    batch_size: int = 2000,
    keys: AuditKeys | None = None,
    anchor: Anchor | None = None,
) -> ChainReport:
    """Walk the chain in order, recomputing every hash; stop at the first break.

    Keyed events are checked under their key (`keys`, default: the application's);
    with an `anchor`, the event at its position must still have its hash and the chain
    must reach that far.
    """
    keys = keys if keys is not None else AuditKeys.for_app()
    prev = GENESIS_HASH
    count = 0
    keyed_seen = False
    for row in _chain_rows(connection, batch_size):
        broken = _row_break(
            row, expected_seq=count + 1, prev=prev, keys=keys, keyed_seen=keyed_seen, anchor=anchor
        )
        if broken is not None:
            return ChainReport(count, prev, broken)
        keyed_seen = keyed_seen or row.key_id is not None
        prev = row.hash
        count += 1
    if anchor is not None and count < anchor.chain_seq:
        broken = ChainBreak("truncated", count, None, expected_seq=anchor.chain_seq)
        return ChainReport(count, prev, broken)
    unchained = connection.scalar(
        select(func.min(AuditEvent.id)).where(AuditEvent.chain_seq.is_(None))
    )
    if unchained is not None:
        return ChainReport(count, prev, ChainBreak("unchained", None, unchained))
    return ChainReport(count, prev, None)


@dataclass(frozen=True)
class ChainStatus:
    """Counts that show at a glance whether events are missing from the chain."""

    events: int
    chained: int
    highest_seq: int

    @property
    def consistent(self) -> bool:
        """Every event is chained and the positions run 1..n with no gap."""
        return self.events == self.chained == self.highest_seq


def chain_status(connection: Connection) -> ChainStatus:
    """Three aggregate queries, cheap enough for every page view (no hashing)."""
    row = connection.execute(
        select(
            func.count(AuditEvent.id),
            func.count(AuditEvent.chain_seq),
            func.coalesce(func.max(AuditEvent.chain_seq), 0),
        )
    ).one()
    return ChainStatus(events=row[0], chained=row[1], highest_seq=row[2])
