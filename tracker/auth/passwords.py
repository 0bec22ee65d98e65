"""Password hashing (Argon2id) and the password policy (NCSC guidance).

The policy: at least 12 characters, not a commonly used or easily guessed password
(zxcvbn's deny-list of 30,000 common passwords and its guessability estimate, fed
with the user's own name and email), no composition rules and no forced expiry.
"""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases welcome; a bound stops hashing-cost abuse
MIN_ZXCVBN_SCORE = 3

_hashers: dict[bool, PasswordHasher] = {}
_dummy_hashes: dict[bool, str] = {}

# Verified when the email is unknown, so a miss costs the same time as a hit.
_DUMMY_PASSWORD = "not-a-real-password-used-for-timing"  # noqa: S105


def _hasher() -> PasswordHasher:
    fast = bool(current_app.config.get("ARGON2_FAST"))
    if fast not in _hashers:
        _hashers[fast] = (
            PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
            if fast
            else PasswordHasher()
        )
    return _hashers[fast]


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same effort when there is no hash."""
    hasher = _hasher()
    if password_hash is None:
        fast = bool(current_app.config.get("ARGON2_FAST"))
        if fast not in _dummy_hashes:
            _dummy_hashes[fast] = hasher.hash(_DUMMY_PASSWORD)
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hashes[fast], password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password: str, *, user_inputs: list[str] | None = None) -> str | None:
    """Why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if password.strip() != password:
        return "Password must not start or end with a space"
    words = [w for w in (user_inputs or []) if w]
    words += [
        current_app.config.get("OPCC_NAME", ""),
        current_app.config.get("FORCE_NAME", ""),
        current_app.config.get("SERVICE_NAME", ""),
    ]
    # zxcvbn's cost grows with length; a long passphrase needs no estimate.
    estimate = zxcvbn(password[:100], user_inputs=[w for w in words if w])
    if estimate["score"] < MIN_ZXCVBN_SCORE:
        return (
            "Password is too easy to guess. Try three or more random words, "
            "and avoid your name, email address and common passwords"
        )
    return None
