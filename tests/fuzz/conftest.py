"""Hostile input for every form: strategies, a signed-in poster and database snapshots.

Each fuzz test posts generated values through the real forms (with a CSRF token taken
from the page) and checks the same things: never a server error; a refused form changes
nothing in the database; whatever is saved comes back escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tracker.db import db

# Bounded so the whole fuzz run stays quick on a small machine; the app fixture is
# function-scoped on purpose: every example runs against the same growing database.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Hand-picked values that have broken web forms before.
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert('x')>",
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }} {% raw %}",
    "' OR '1'='1'; DROP TABLE actions; --",
    '1; SELECT * FROM users WHERE email LIKE "%"',
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\u202eevil\u202c text (right-to-left override)",
    "مرحبا بالعالم שלום",
    "👮‍♀️🚓💥 🏴󠁧󠁢󠁷󠁬󠁳󠁿",
    "Z̴̡̛a̷͎͐l̶̰̈g̸͇̾o̵̤͒",
    "zero\u200bwidth\ufeffjoiner\u200d",
    "null\x00byte",
    "bell\x07 and escape\x1b[31m",
    "line one\r\nline two\n\tindented",
    "\ufffd\ufffd odd bytes",
    "\u00b2\u00b3\u00b9 \u0661\u0662\u0663 \U0001d7da\U0001d7d8\U0001d7da\U0001d7dc",
    "  ",
    "",
    "%s %n %x {0} ${jndi:ldap://x}",
    "../../etc/passwd",
    "a" * 10_050,
    "<b>" * 2_600,
    "é" * 5_000 + "<script>",
]

# Letters, marks, symbols, format and control characters (surrogates cannot travel in a
# form post, so category Cs is left out).
ODD_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=["Lu", "Ll", "Lo", "Mn", "Me", "Nd", "No", "Zs", "So", "Sm", "Cf", "Cc", "Po"],
    ),
    max_size=60,
)


@st.composite
def long_text(draw) -> str:
    piece = draw(st.sampled_from(["x", "<i>", "🚓", "e\u0301", "'\"", "=1"]))
    return piece * draw(st.integers(min_value=2_000, max_value=12_000))


def hostile_text(*, ascii_only_too: bool = True) -> st.SearchStrategy[str]:
    """Any of the nasty strings, odd Unicode, very long text, or a mix of them."""
    mixed = st.builds(lambda a, b: a + b, st.sampled_from(NASTY[:20]), ODD_TEXT)
    options = [st.sampled_from(NASTY), ODD_TEXT, long_text(), mixed]
    if ascii_only_too:
        options.append(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
    return st.one_of(*options)


DATE_PART = st.one_of(
    st.sampled_from(
        [
            "31",
            "30",
            "29",
            "02",
            "2",
            "0",
            "00",
            "-1",
            "13",
            "99999",
            "2024",
            "1899",
            "\u00b2",
            "\u0661",
            "1e3",
            "0x1F",
            " 7 ",
            "",
            "\u0662\u0660\u0662\u0664",
            "\U0001d7da\U0001d7d8\U0001d7da\U0001d7dc",
            "12\x00",
            "9" * 40,
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def hostile_date() -> st.SearchStrategy[Any]:
    """Impossible or malformed GOV.UK date parts, sometimes too few or too many."""
    return st.one_of(
        st.sampled_from(
            [
                ["31", "2", "2024"],
                ["0", "0", "0"],
                ["1", "1", "99999"],
                ["29", "2", "2023"],
                ["31", "4", "2024"],
                ["1", "1", "1989"],
                ["1", "1", "2101"],
                ["", "", ""],
                ["1", "13", "2024"],
                ["15"],
                ["1", "2", "2024", "4"],
            ]
        ),
        st.lists(DATE_PART, min_size=0, max_size=4),
    )


# Characters that str.isdigit() accepts but are not ASCII digits: int() refuses some
# (superscripts) and reads others as a different number (Arabic-Indic, mathematical).
ODD_DIGITS = ["\u00b2", "\u0661", "1\u00b2", "\U0001d7d9", "\u0967", "\uff11"]


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_DIGITS),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from(["", "-0", "1.5", "1e9", "NaN", "0x10", " 3", "9" * 400]),
    )


def hostile_choice(valid: Iterable[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(list(valid)), hostile_text())


@st.composite
def form_posts(draw, valid: dict[str, Any], hostile: dict[str, st.SearchStrategy]) -> list:
    """A valid form with one to three fields swapped for hostile values, sometimes a
    field missing and sometimes a field sent twice. Returned as (name, value) pairs."""
    data = dict(valid)
    for name in draw(st.sets(st.sampled_from(sorted(hostile)), min_size=1, max_size=3)):
        data[name] = draw(hostile[name])
    if valid and draw(st.booleans()) and draw(st.booleans()):
        data.pop(draw(st.sampled_from(sorted(valid))), None)
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, v) for v in values)
    if pairs and draw(st.integers(0, 5)) == 0:
        name = draw(st.sampled_from(sorted({n for n, _ in pairs})))
        pairs.append((name, draw(hostile_text())))
    return pairs


# Database snapshots ---------------------------------------------------------------------

VOLATILE_TABLES = {"login_attempts"}


def snapshot(app, *, skip: Iterable[str] = ()) -> dict[str, list]:
    """Every row of every table (sorted), so any change at all can be seen."""
    skipped = VOLATILE_TABLES | set(skip)
    with app.app_context():
        result = {}
        for table in db.metadata.sorted_tables:
            if table.name in skipped:
                continue
            rows = db.session.execute(select(table)).all()
            result[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        db.session.remove()
        return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


# Pages ---------------------------------------------------------------------------------

PAYLOAD_MARKERS = ("<script>alert", "<img src=x", "<svg/onload", "</textarea><script")


def assert_no_raw_markup(html: str, *values: str) -> None:
    """No posted markup survives unescaped in a page."""
    for marker in PAYLOAD_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in the page"
    for value in values:
        if value and "<" in value and len(value.strip()) > 2:
            assert value.strip() not in html, "posted markup appears unescaped"


def first_line(value: str, limit: int = 40) -> str:
    line = value.strip().splitlines()[0] if value.strip() else ""
    return line[:limit].strip()


def assert_shown_escaped(html: str, value: str) -> None:
    """The saved text appears, escaped, in the page (checked on its first line)."""
    assert_no_raw_markup(html, value)
    sample = first_line(value)
    if sample:
        assert str(escape(sample)) in html, f"saved text {sample!r} not shown escaped"


def error_summary(html: str) -> bool:
    return "govuk-error-summary" in html


@dataclass
class Poster:
    """A signed-in test client that posts with the CSRF token from a form page."""

    client: Any
    token: str = ""

    def sign_in(self, user: Any) -> None:
        """Sign in through the login form, once (later examples reuse the session)."""
        page = self.client.get("/login")
        if page.status_code == 302:
            return
        response = self.client.post(
            "/login",
            data={
                "email": user.email,
                "password": DEFAULT_PASSWORD,
                "csrf_token": csrf_token_from(page.text),
            },
        )
        assert response.status_code == 302, "sign-in failed"

    def refresh_token(self, page_url: str) -> None:
        self.token = csrf_token_from(self.client.get(page_url).text)

    def post(self, url: str, pairs: list[tuple[str, str]] | dict, **kwargs: Any):
        items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        items = [
            (k, one)
            for k, v in items
            if k != "csrf_token"
            for one in (v if isinstance(v, list) else [v])
        ]
        items.insert(0, ("csrf_token", self.token))
        from werkzeug.datastructures import MultiDict

        return self.client.post(url, data=MultiDict(items), **kwargs)


@pytest.fixture
def poster(client) -> Poster:
    return Poster(client)


def check_post(
    app,
    poster: Poster,
    url: str,
    pairs: list,
    *,
    must_refuse: bool = False,
    show: Callable[[Any], str] | None = None,
    texts: Iterable[str] = (),
    skip_tables: Iterable[str] = (),
    saved_texts: Iterable[str] = (),
):
    """Post and check the universal rules; returns the response.

    A response that is not a redirect means the form was refused: nothing may have
    changed. A redirect means saved: `show(response)` gives the page that shows it,
    where no posted markup may appear unescaped and each of `saved_texts` must appear
    (escaped).
    """
    before = snapshot(app, skip=skip_tables)
    response = poster.post(url, pairs)
    assert response.status_code < 500, f"server error for {url}: {pairs!r}"[:2000]
    if response.status_code in (302, 303):
        assert not must_refuse, f"hostile input was accepted at {url}: {pairs!r}"[:2000]
        if show is not None:
            page = show(response)
            assert_no_raw_markup(page, *texts)
            for text in saved_texts:
                assert_shown_escaped(page, text)
    else:
        after = snapshot(app, skip=skip_tables)
        assert changed_tables(before, after) == [], f"refused post changed data at {url}"
        assert_no_raw_markup(response.get_data(as_text=True), *texts)
    return response


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control(value: Any) -> bool:
    """Invisible control characters that long-text fields must refuse (tab/newlines ok)."""
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and CONTROL.search(v) for v in values)


def stripped_len(value: Any) -> int:
    return len(value.strip()) if isinstance(value, str) else 0


def posted(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in pairs if k == name]


def first(pairs: list[tuple[str, str]], *names: str) -> list[str]:
    """The value the form reads for each named field (the first one sent)."""
    return [posted(pairs, name)[0] for name in names if posted(pairs, name)]


def text_refused(
    pairs: list[tuple[str, str]], name: str, *, max_length: int | None, required: bool = False
) -> bool:
    """True when the form must refuse this text field (the first value is the one read)."""
    values = posted(pairs, name)
    if not values:
        return False  # a missing field keeps the record's (or the form's default) value
    value = values[0].strip()
    if required and not value:
        return True
    if max_length is not None and len(value) > max_length:
        return True
    return bool(CONTROL.search(value))


def date_refused(pairs: list[tuple[str, str]], name: str, *, required: bool) -> bool:
    """True when these date parts can only be refused (False when they may be fine)."""
    parts = [v.strip() for v in posted(pairs, name)][:3]
    if not parts:
        return False  # a missing field keeps the record's value
    parts += [""] * (3 - len(parts))
    if not any(parts):
        return required
    if not all(parts):
        return True
    day, month, year = parts
    if not all(p.isdigit() for p in parts) or len(year) != 4:
        return True
    if not all(p.isascii() for p in parts):
        return False  # other digits: either answer is acceptable, as long as it is not a 500
    try:
        value = date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return True
    return not 1990 <= value.year <= 2100
