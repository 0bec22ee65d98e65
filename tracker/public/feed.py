"""The Atom feed (RFC 4287) of new publications, built as an XML tree, never as text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from xml.etree import ElementTree as ET

from tracker.publication.providers import Publication

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def entry_updated(publication: Publication) -> datetime:
    """When an entry last changed: its record's update, or its publication day."""
    if publication.updated_at is not None:
        return publication.updated_at
    day = publication.published_on or datetime.now(UTC).date()
    return datetime.combine(day, time(), tzinfo=UTC)


def render_feed(
    publications: Iterable[Publication],
    *,
    title: str,
    feed_id: str,
    self_url: str,
    page_url: str,
    author: str,
    base_url: str,
) -> bytes:
    """An Atom document of `publications` (each already public), as UTF-8 bytes.

    Entry ids are tag URIs built from each publication's stable key, so a feed reader
    updates an entry rather than showing it twice."""
    ET.register_namespace("", ATOM)
    entries = list(publications)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _child(feed, "title", title)
    _child(feed, "id", feed_id)
    _child(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _child(feed, "link", rel="alternate", type="text/html", href=page_url)
    latest = max((entry_updated(p) for p in entries), default=datetime(2000, 1, 1, tzinfo=UTC))
    _child(feed, "updated", _stamp(latest))
    _child(_child(feed, "author"), "name", author)
    for publication in entries:
        entry = _child(feed, "entry")
        _child(entry, "title", f"{publication.kind}: {publication.title}")
        _child(entry, "id", f"{feed_id}#{publication.key}")
        link = publication.public_link
        if link.startswith("/"):
            link = base_url.rstrip("/") + link
        if link:
            _child(entry, "link", rel="alternate", href=link)
        _child(entry, "updated", _stamp(entry_updated(publication)))
        if publication.published_on is not None:
            published = datetime.combine(publication.published_on, time(), tzinfo=UTC)
            _child(entry, "published", _stamp(published))
        summary = publication.summary.strip() or f"{publication.kind} published."
        _child(entry, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
