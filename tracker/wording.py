"""How labels read inside a sentence.

Labels are written to stand alone ("Awaiting OPCC review", "HMICFRS finding"). Inside a
sentence only the first letter is lowered, and not at all when the label starts with an
acronym, so "is awaiting OPCC review" and "Name the HMICFRS finding" keep their capitals
(lowering the whole label gave "awaiting opcc review").
"""

from __future__ import annotations

import re

# A first word written in capitals (OPCC, HMICFRS, A&A, OFFICIAL-SENSITIVE, PEEL).
_ACRONYM = re.compile(r"[A-Z][A-Z&\-]+\b")


def in_sentence(label: str) -> str:
    """`label` as it reads after other words: "Sent back" -> "sent back"."""
    if not label or _ACRONYM.match(label):
        return label
    return label[0].lower() + label[1:]
