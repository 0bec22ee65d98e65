"""How text becomes searchable words, and how a search box query is read.

Both databases index the same words, made here in Python: text is case-folded, accents
are taken off (é -> e; letters without a decomposition, such as ł, stay), split into runs
of letters and digits, and each run is reduced to its English stem with the Snowball
stemmer (the algorithm behind PostgreSQL's `english` configuration), so "inspections",
"inspected" and "inspect" are one word. The index then stores these words as plain text
(SQLite FTS5 with the unicode61 tokenizer, PostgreSQL `to_tsvector('simple', ...)`), and
neither database stems or drops stop words itself: the same data gives the same hits on
both, and `matches` gives them in Python for records rebuilt "as at" a past day.

A query is words, never query language: quotes, `*`, `-`, `NEAR`, `OR` are ordinary text.
Each space-separated part of the query is a phrase of its words (so "AA-2023-014" is the
words aa, 2023, 014 in a row) whose last word may be the start of a longer word (so
"AA-2023" and "custod" find AA-2023-014 and custody). A record matches when every part
matches somewhere in its indexed text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# PostgreSQL keeps word positions only up to 16,383 and lexemes under 2 KiB: a record's
# words past these limits are not indexed (on either database, nor in `matches`).
MAX_WORDS = 10_000
MAX_WORD_LENGTH = 60
MAX_QUERY_PARTS = 12

_RUN = re.compile(r"[^\W_]+")
_stemmer = snowballstemmer.stemmer("english")


def _fold(text: str) -> str:
    """Case-folded text with combining accents removed."""
    if text.isascii():
        return text.lower()  # the common case, and the same answer
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def _tokens(text: str) -> list[str]:
    runs = _RUN.findall(_fold(text))
    return [_stem(run) for run in runs if len(run) <= MAX_WORD_LENGTH]


def words_of(*texts: str | None) -> list[str]:
    """The indexed words of a record's searchable texts, in order, at most MAX_WORDS."""
    found: list[str] = []
    for text in texts:
        if text:
            found.extend(_tokens(text))
    return found[:MAX_WORDS]


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in a row; the last may be the start of a longer word."""

    words: tuple[str, ...]

    def fts5(self) -> str:
        """The phrase in SQLite FTS5 query syntax (words are letters and digits only)."""
        return '"' + " ".join(self.words) + '" *'

    def tsquery(self) -> str:
        """The phrase in PostgreSQL tsquery syntax."""
        return " <-> ".join(self.words) + ":*"

    def found_in(self, words: list[str]) -> bool:
        """Whether the phrase occurs in `words` (the Python side of the index)."""
        *whole, last = self.words
        size = len(self.words)
        for start in range(len(words) - size + 1):
            if words[start : start + size - 1] == list(whole) and words[
                start + size - 1
            ].startswith(last):
                return True
        return False


def parse_query(q: str) -> list[Phrase]:
    """The phrases a search box query asks for (none when it has no letters or digits)."""
    phrases: list[Phrase] = []
    for part in q.split():
        words = tuple(_tokens(part))
        if words and Phrase(words) not in phrases:
            phrases.append(Phrase(words))
    return phrases[:MAX_QUERY_PARTS]


def fts5_query(phrases: list[Phrase]) -> str:
    """An FTS5 MATCH expression requiring every phrase."""
    return " AND ".join(phrase.fts5() for phrase in phrases)


def tsquery(phrases: list[Phrase]) -> str:
    """A PostgreSQL to_tsquery('simple', ...) expression requiring every phrase."""
    return " & ".join(f"({phrase.tsquery()})" for phrase in phrases)


def matches(q: str, *texts: str | None) -> bool:
    """Whether a record with these searchable texts is found by query `q`."""
    phrases = parse_query(q)
    if not phrases:
        return False
    words = words_of(*texts)
    return all(phrase.found_in(words) for phrase in phrases)
