"""Hostile values posted to sign-in, the password forms, user administration, settings,
tags and reminder preferences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import csrf_token_from
from tests.fuzz.conftest import (
    CONTROL,
    FUZZ,
    ODD_DIGITS,
    Poster,
    assert_no_raw_markup,
    check_post,
    first,
    form_posts,
    hostile_choice,
    hostile_number,
    hostile_text,
    posted,
    snapshot,
    text_refused,
)
from tracker.auth.models import Role, User
from tracker.db import db
from tracker.reminders.rules import OPTIONAL_GROUPS
from tracker.settings.definitions import DEFINITIONS
from tracker.settings.models import TagList

EMAILS = st.one_of(
    hostile_text(),
    st.emails().map(str),
    st.sampled_from(
        [
            "olu.officer@opcc.example.org' OR 1=1 --",
            "<script>@example.org",
            "a@b",
            "x" * 300 + "@example.org",
            "user@exa\u0000mple.org",
            "\u202eolu@example.org",
        ]
    ),
)


def anonymous_token(poster: Poster, url: str) -> None:
    page = poster.client.get(url)
    poster.token = csrf_token_from(page.text)


def redirected_page(poster):
    def _show(response) -> str:
        page = poster.client.get(response.headers["Location"])
        assert page.status_code == 200
        return page.get_data(as_text=True)

    return _show


@FUZZ
@given(pairs=form_posts({}, {"email": EMAILS, "password": hostile_text()}))
def test_sign_in(app, officer, poster, pairs):
    """Nothing hostile signs anyone in, and a refused sign-in changes no user."""
    anonymous_token(poster, "/login")
    check_post(app, poster, "/login", pairs, must_refuse=True, texts=posted(pairs, "email"))


@FUZZ
@given(pairs=form_posts({}, {"email": EMAILS}))
def test_forgot_password(app, officer, poster, pairs):
    anonymous_token(poster, "/password/forgot")
    before = snapshot(app, skip=["audit_events", "outbox"])
    response = poster.post("/password/forgot", pairs)
    assert response.status_code < 500
    assert snapshot(app, skip=["audit_events", "outbox"]) == before
    assert_no_raw_markup(response.get_data(as_text=True), *posted(pairs, "email"))


@FUZZ
@given(token=st.one_of(hostile_text(), st.sampled_from(["..", "%00", "a.b.c", "x" * 5000])))
def test_password_links_with_hostile_tokens(app, officer, poster, token):
    for path in ("/password/reset/", "/invitation/"):
        response = poster.client.get(path + token.replace("/", "%2F"))
        assert response.status_code in (400, 404, 308)
        assert_no_raw_markup(response.get_data(as_text=True), token)


PASSWORDS = {"password": hostile_text(), "confirm": hostile_text()}


@FUZZ
@given(pairs=form_posts({}, PASSWORDS))
def test_reset_password(app, officer, poster, pairs):
    from tracker.auth.services import make_password_token

    with app.test_request_context():
        user = db.session.get(User, officer.id)
        token = make_password_token(user, "reset")
        db.session.remove()
    url = f"/password/reset/{token}"
    anonymous_token(poster, url)
    values = posted(pairs, "password")[:1] + posted(pairs, "confirm")[:1]
    weak = len(values) < 2 or values[0] != values[1] or len(values[0]) < 12
    check_post(app, poster, url, pairs, must_refuse=weak, texts=[])


@FUZZ
@given(pairs=form_posts({}, {"current": hostile_text(), **PASSWORDS}))
def test_change_password(app, officer, poster, pairs):
    poster.sign_in(officer)
    poster.refresh_token("/account/password")
    # The current password is never the generated one, so nothing may change.
    check_post(app, poster, "/account/password", pairs, must_refuse=True, texts=[])


USER_HOSTILE = {
    "name": hostile_text(),
    "email": EMAILS,
    "role": hostile_choice([r.value for r in Role]),
}


def user_refused(pairs) -> bool:
    name = [v.strip() for v in posted(pairs, "name")[:1]]
    email = [v.strip() for v in posted(pairs, "email")[:1]]
    return (
        text_refused(pairs, "name", max_length=120, required=True)
        or any(ord(ch) < 32 for ch in (name[0] if name else ""))
        or (bool(email) and ("@" not in email[0] or len(email[0]) > 254))
        or (bool(email) and bool(CONTROL.search(email[0])))
    )


@FUZZ
@given(
    pairs=form_posts(
        {"name": "Priya Shah", "email": "priya@opcc.example.org", "role": "opcc_officer"},
        USER_HOSTILE,
    )
)
def test_user_invite(app, admin, poster, pairs):
    poster.sign_in(admin)
    poster.refresh_token("/admin/users/new")
    check_post(
        app,
        poster,
        "/admin/users/new",
        pairs,
        must_refuse=user_refused(pairs),
        show=redirected_page(poster),
        texts=posted(pairs, "name"),
        saved_texts=first(pairs, "name"),
        skip_tables=["outbox"],
    )


@FUZZ
@given(
    pairs=form_posts(
        {"name": "Olu Officer", "email": "olu.officer@opcc.example.org", "role": "opcc_officer"},
        {**USER_HOSTILE, "version": st.one_of(hostile_number(), st.sampled_from(ODD_DIGITS))},
    )
)
def test_user_edit(app, admin, officer, poster, pairs):
    poster.sign_in(admin)
    url = f"/admin/users/{officer.id}/edit"
    poster.refresh_token(url)
    with app.app_context():
        version = str(db.session.get(User, officer.id).version)
        db.session.remove()
    if not posted(pairs, "version"):
        pairs = [*pairs, ("version", version)]
    stale = posted(pairs, "version")[0] != version
    before = snapshot(app)
    response = check_post(
        app,
        poster,
        url,
        pairs,
        must_refuse=user_refused(pairs),
        show=redirected_page(poster),
        texts=posted(pairs, "name"),
        saved_texts=[] if stale else first(pairs, "name"),
    )
    if stale:
        # A stale save is refused: back to the form with a message, nothing changed.
        assert response.status_code != 302 or response.headers["Location"].endswith(url)
        assert snapshot(app) == before


@FUZZ
@given(
    key=st.sampled_from(sorted(DEFINITIONS)),
    value=st.one_of(hostile_number(), hostile_text(), EMAILS, st.sampled_from(ODD_DIGITS)),
    extra=st.lists(hostile_text(), max_size=2),
)
def test_settings(app, admin, poster, key, value, extra):
    poster.sign_in(admin)
    url = f"/admin/settings/{key}"
    poster.refresh_token(url)
    pairs = [("value", value), *(("value", v) for v in extra)]
    check_post(app, poster, url, pairs, show=redirected_page(poster), texts=[value])


@FUZZ
@given(name=hostile_text(), tag_list=st.sampled_from([t.value for t in TagList]))
def test_tag_create_and_rename(app, admin, poster, name, tag_list):
    poster.sign_in(admin)
    url = f"/admin/settings/lists/{tag_list}/new"
    poster.refresh_token(url)
    refused = text_refused([("name", name)], "name", max_length=120, required=True) or any(
        ch in name.strip() for ch in "\t\r\n"
    )
    response = check_post(
        app,
        poster,
        url,
        [("name", name)],
        must_refuse=refused,
        show=redirected_page(poster),
        texts=[name],
        saved_texts=[name],
    )
    if response.status_code == 302:
        page = poster.client.get("/admin/settings/").get_data(as_text=True)
        assert_no_raw_markup(page, name)
    from tracker.settings.models import Tag

    with app.app_context():
        tag = db.session.scalars(db.select(Tag).order_by(Tag.id)).first()
        db.session.remove()
    if tag is not None:
        rename = f"/admin/settings/tags/{tag.id}/edit"
        poster.refresh_token(rename)
        check_post(
            app,
            poster,
            rename,
            [("name", name + " 2")],
            must_refuse=text_refused([("name", name + " 2")], "name", max_length=120),
            show=redirected_page(poster),
            texts=[name],
        )


@FUZZ
@given(
    wanted=st.lists(
        st.one_of(st.sampled_from([g.value for g in OPTIONAL_GROUPS]), hostile_text()),
        max_size=6,
    )
)
def test_reminder_preferences(app, liaison, poster, wanted):
    poster.sign_in(liaison)
    poster.refresh_token("/reminders/preferences")
    allowed = {g.value for g in OPTIONAL_GROUPS}
    check_post(
        app,
        poster,
        "/reminders/preferences",
        [("wanted", w) for w in wanted],
        must_refuse=any(w not in allowed for w in wanted),
        show=redirected_page(poster),
        texts=wanted,
    )


def test_sign_in_with_a_nul_byte_is_refused_cleanly(app, officer, poster):
    """PostgreSQL cannot store NUL in text: the attempt must still be refused, not crash."""
    for email in ("olu.officer@opcc.example.org\x00", "\x00", "a\x00b@example.org"):
        anonymous_token(poster, "/login")
        check_post(
            app,
            poster,
            "/login",
            [("email", email), ("password", "correct-horse-battery-staple\x00")],
            must_refuse=True,
        )
    anonymous_token(poster, "/password/forgot")
    response = poster.post("/password/forgot", [("email", "olu.officer@opcc.example.org\x00")])
    assert response.status_code < 500
