"""Creating, resetting and opening a user's private calendar feed address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.calendar.models import CalendarFeed
from tracker.db import db, utcnow

# Secrets are 43 characters of URL-safe base64 (32 bytes); anything else is refused
# before the database is asked.
SECRET_LENGTH = 43


def _secret_for(nonce: str) -> str:
    """The secret in a feed's URL: an HMAC of its nonce under SECRET_KEY, so the page can
    show it again while the database holds only its hash."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar-feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_secret(secret: str) -> str:
    """What is stored for a secret and looked up by: its sha256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_for(user: User) -> CalendarFeed | None:
    """The user's feed, if they have created one."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_secret(feed: CalendarFeed) -> str:
    """The secret that opens `feed` (for the owner's own account page only)."""
    return _secret_for(feed.nonce)


def reset_feed(user: User) -> CalendarFeed:
    """Give `user` a feed address, replacing any earlier one (which then stops working)."""
    feed = feed_for(user)
    action = "calendar_feed_reset" if feed is not None else "calendar_feed_created"
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.nonce = secrets.token_urlsafe(32)
    feed.token_hash = hash_secret(_secret_for(feed.nonce))
    feed.created_at = utcnow()
    record(actor=user, entity_type=AuditEntity.USER, entity_id=user.id, action=action)
    db.session.flush()
    return feed


def user_for_secret(secret: str) -> User | None:
    """The active user whose feed `secret` opens, or None (unknown, reset or deactivated)."""
    if len(secret) != SECRET_LENGTH:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_secret(secret))
    )
    if feed is None or not feed.user.active:
        return None
    return feed.user
