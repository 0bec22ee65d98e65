"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint is a small JSON file recording a chain position, the hash the event there
had, when it was written and an HMAC signature under the audit key. `flask audit
verify` checks the chain against the latest one, so recomputing the chain (even as plain
SHA-256 hashes, without the key) and deleting events from its end are both found.
`flask audit checkpoint` writes one, `flask backup` writes one and puts a copy in the
backup's sidecar, and the scheduler writes one every hour.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection

from tracker.audit.chain import Anchor, ChainReport, verify_chain
from tracker.audit.keys import AuditKeys, keyed_digest
from tracker.db import utcnow


class CheckpointError(Exception):
    """A checkpoint that cannot be trusted or written; the message says why."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed record of the chain head at one moment."""

    chain_seq: int
    hash: str
    written_at: str
    key_id: str
    signature: str

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.chain_seq, self.hash)


def _signed_bytes(chain_seq: int, head_hash: str, written_at: str, key_id: str) -> bytes:
    document = {
        "chain_seq": chain_seq,
        "hash": head_hash,
        "key_id": key_id,
        "written_at": written_at,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def sign_checkpoint(report: ChainReport, keys: AuditKeys) -> Checkpoint:
    """A checkpoint of the head `report` found, signed with the current audit key."""
    if keys.current is None or keys.current_id is None:
        raise CheckpointError("AUDIT_KEY is not set: a checkpoint needs an audit key to sign it.")
    written_at = utcnow().isoformat()
    message = _signed_bytes(report.count, report.head_hash, written_at, keys.current_id)
    return Checkpoint(
        chain_seq=report.count,
        hash=report.head_hash,
        written_at=written_at,
        key_id=keys.current_id,
        signature=keyed_digest(keys.current, message),
    )


def check_signature(checkpoint: Checkpoint, keys: AuditKeys) -> None:
    """Refuse a checkpoint not signed by one of the configured audit keys."""
    key = keys.secrets.get(checkpoint.key_id)
    if key is None:
        raise CheckpointError(
            f"The audit checkpoint is signed with key {checkpoint.key_id!r}, "
            "which is not configured (add it to AUDIT_OLD_KEYS)."
        )
    message = _signed_bytes(
        checkpoint.chain_seq, checkpoint.hash, checkpoint.written_at, checkpoint.key_id
    )
    if not hmac.compare_digest(keyed_digest(key, message), checkpoint.signature):
        raise CheckpointError("The audit checkpoint's signature is not valid: it was altered.")


def checkpoint_path() -> Path:
    """Where the latest checkpoint lives (AUDIT_CHECKPOINT_FILE)."""
    configured = current_app.config.get("AUDIT_CHECKPOINT_FILE")
    return Path(configured or Path(current_app.instance_path) / "audit-checkpoint.json")


def write_checkpoint(checkpoint: Checkpoint, path: Path) -> None:
    """Write `checkpoint` to `path` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(json.dumps(asdict(checkpoint), indent=2) + "\n")
    partial.replace(path)


def checkpoint_from(document: object) -> Checkpoint:
    """A checkpoint from its JSON form, refusing anything else."""
    try:
        checkpoint = Checkpoint(**document)  # type: ignore[arg-type]
    except TypeError as exc:
        raise CheckpointError("The audit checkpoint is not in the expected form.") from exc
    if not isinstance(checkpoint.chain_seq, int) or not isinstance(checkpoint.hash, str):
        raise CheckpointError("The audit checkpoint is not in the expected form.")
    return checkpoint


def read_checkpoint(path: Path, keys: AuditKeys) -> Checkpoint | None:
    """The checkpoint at `path` with its signature checked, or None when there is none."""
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text())
    except ValueError as exc:
        raise CheckpointError(f"The audit checkpoint {path} is not valid JSON.") from exc
    checkpoint = checkpoint_from(document)
    check_signature(checkpoint, keys)
    return checkpoint


def verify_audit_trail(
    connection: Connection, *, batch_size: int = 2000, checkpoint: Checkpoint | None = None
) -> tuple[ChainReport, Checkpoint | None]:
    """Verify the chain under the audit keys and against the latest checkpoint.

    Returns the report and the checkpoint used (None when none has been written yet).
    Raises CheckpointError when the checkpoint itself cannot be trusted.
    """
    keys = AuditKeys.for_app()
    if checkpoint is None:
        checkpoint = read_checkpoint(checkpoint_path(), keys)
    else:
        check_signature(checkpoint, keys)
    anchor = checkpoint.anchor if checkpoint else None
    report = verify_chain(connection, batch_size=batch_size, keys=keys, anchor=anchor)
    return report, checkpoint


def take_checkpoint(connection: Connection, *, batch_size: int = 2000) -> Checkpoint:
    """Verify the chain, then record its head as the latest checkpoint.

    A chain that does not verify (against the keys and the previous checkpoint) gets no
    new checkpoint: the evidence of the break is kept.
    """
    report, _ = verify_audit_trail(connection, batch_size=batch_size)
    if not report.intact:
        raise CheckpointError(f"No checkpoint written. {report.message}")
    checkpoint = sign_checkpoint(report, AuditKeys.for_app())
    write_checkpoint(checkpoint, checkpoint_path())
    return checkpoint


def adopt_restored_chain(connection: Connection, checkpoint: Checkpoint | None) -> ChainReport:
    """After a restore: verify the chain against the backup's own checkpoint (the latest
    one may be ahead of an older backup) and, when intact, make its head the latest."""
    keys = AuditKeys.for_app()
    if checkpoint is not None:
        check_signature(checkpoint, keys)
    anchor = checkpoint.anchor if checkpoint else None
    report = verify_chain(connection, keys=keys, anchor=anchor)
    if report.intact and keys.current is not None:
        write_checkpoint(sign_checkpoint(report, keys), checkpoint_path())
    return report
