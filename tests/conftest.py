"""Shared fixtures: an app with a clean database per test, a client, a CLI runner,
sign-in helpers, model factories and a real SMTP server (aiosmtpd) on 127.0.0.1.

The database is SQLite (a file in a temporary folder) unless TEST_DATABASE_URL
names another one, such as the PostgreSQL database `make test` creates.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import (
    CompoundSelect,
    create_engine,
    event,
    exists,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import make_url

os.environ.setdefault("TRACKER_ENV", "testing")

from tracker import create_app
from tracker.auth.models import ROLE_ORGANISATION, Role, User
from tracker.auth.passwords import hash_password
from tracker.db import db

DEFAULT_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, with the schema created once for the whole run."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker-test.sqlite3'}"
    )
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


@functools.cache
def _holding_rows() -> CompoundSelect:
    """On PostgreSQL, which tables hold rows, in one statement: most tests touch a handful
    of the tables, and emptying only those is far cheaper than truncating every table (a
    TRUNCATE of the whole schema cost about 300 ms per test). Built once the app (and so
    every model) is loaded."""
    return union_all(
        *(
            select(literal(index)).where(exists().select_from(table))
            for index, table in enumerate(db.metadata.sorted_tables)
        )
    )


# Every sequence back to 1, so ids start again as they do on SQLite.
_RESTART_SEQUENCES = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _empty_all_tables() -> None:
    """Delete every row, children first, so each test starts from nothing (and, on
    PostgreSQL, with every id sequence starting again at 1)."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # Wait, as TRUNCATE did, for anything a previous test's server thread still
            # has in flight, so no late write lands in the next test.
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
            holding = {row[0] for row in connection.execute(_holding_rows())}
            for index in sorted(holding, reverse=True):
                connection.execute(tables[index].delete())
            connection.execute(text(_RESTART_SEQUENCES))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh application whose database is empty."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
        SERVER_BASE_URL="http://localhost",
        AUDIT_CHECKPOINT_FILE=str(tmp_path / "audit-checkpoint.json"),
    )
    with app.app_context():
        _empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run_worker(app: Flask) -> int:
    """Run the job worker in this process until the queue is empty (as `flask worker
    --once` does); returns how many jobs it took."""
    from tracker.worker import Worker

    return Worker(app, poll=0.1).run(once=True)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# Users -------------------------------------------------------------------------


@pytest.fixture
def make_user(app: Flask):
    """Factory: make_user(role=Role.OPCC_OFFICER, name=..., email=..., active=True)."""
    counter = {"n": 0}

    def _make(
        role: Role = Role.OPCC_OFFICER,
        *,
        name: str | None = None,
        email: str | None = None,
        password: str | None = DEFAULT_PASSWORD,
        active: bool = True,
    ) -> User:
        counter["n"] += 1
        n = counter["n"]
        with app.app_context():
            user = User(
                name=name or f"{role.label} {n}",
                email=(email or f"{role.value}.{n}@example.org").lower(),
                role=role,
                organisation=ROLE_ORGANISATION[role],
                active=active,
                password_hash=hash_password(password) if password else None,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return _make


@pytest.fixture
def admin(make_user) -> User:
    return make_user(Role.ADMIN, name="Ada Admin", email="ada.admin@opcc.example.org")


@pytest.fixture
def officer(make_user) -> User:
    return make_user(Role.OPCC_OFFICER, name="Olu Officer", email="olu.officer@opcc.example.org")


@pytest.fixture
def liaison(make_user) -> User:
    return make_user(Role.FORCE_LIAISON, name="Lee Liaison", email="lee.liaison@police.example.org")


@pytest.fixture
def clerk(make_user) -> User:
    return make_user(Role.PANEL_CLERK, name="Cam Clerk", email="cam.clerk@council.example.org")


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class AuthActions:
    """Sign a test client in and out through the real login form."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, *, follow: bool = False):
        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_token_from(page.text)},
            follow_redirects=follow,
        )

    def logout(self):
        page = self._client.get("/")
        return self._client.post("/logout", data={"csrf_token": csrf_token_from(page.text)})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client, auth):
    """Sign the test client in as `user`; returns the client."""

    def _login(user: User):
        response = auth.login(user.email)
        assert response.status_code == 302, "sign-in failed"
        return client

    return _login


@pytest.fixture
def post_form(client):
    """POST to `url` with the CSRF token taken from `form_page` (default: `url`)."""

    def _post(url: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
        page = client.get(form_page or url)
        payload = {"csrf_token": csrf_token_from(page.text), **(data or {})}
        return client.post(url, data=payload, **kwargs)

    return _post


# SMTP ----------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on (aiosmtpd cannot bind port 0 itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """Messages received by the test SMTP server."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15.0) -> list[EmailMessage]:
        """The messages to `address` once `count` have arrived, for mail the app sends after
        its response (`send_after_response`): the page can show before the email is sent.
        Returns what arrived by `timeout`, so the caller's assertion says what was missing."""
        deadline = time.monotonic() + timeout
        while len(found := self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


@contextmanager
def serving_mail(app: Flask, mailbox: Mailbox) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 delivering to `mailbox`, with the app configured
    to send through it, for the length of the block."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USERNAME="")
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; the app is configured to send through it."""
    with serving_mail(app, Mailbox()) as mailbox:
        yield mailbox


LINK_RE = re.compile(r"https?://\S+")


def link_in(message: EmailMessage) -> str:
    """The first link in a message's plain-text part, as a path on this app."""
    match = LINK_RE.search(Mailbox.text_of(message))
    assert match, "no link in the email"
    return match.group(0).replace("http://localhost", "")


@dataclass
class LiveServer:
    url: str


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app behind a real threaded HTTP server on 127.0.0.1 (requests really run
    in parallel), for the browser and concurrency tests."""
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["SERVER_BASE_URL"] = f"http://127.0.0.1:{port}"
    yield LiveServer(url=f"http://127.0.0.1:{port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def empty_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """A brand-new empty database of the same kind as the test database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"tracker_empty_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture
def scheduled_jobs(runner, monkeypatch) -> Callable[..., dict[str, Any]]:
    """Start `flask scheduler` (with these arguments) without letting it run: the jobs it
    registered, by id, each callable through `.func()`."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    def start(*args: str) -> dict[str, Any]:
        seen: dict[str, Any] = {}

        def fake_start(self):
            seen.update({job.id: job for job in self.get_jobs()})
            raise KeyboardInterrupt

        monkeypatch.setattr(BlockingScheduler, "start", fake_start)
        result = runner.invoke(args=["scheduler", *args])
        assert result.exit_code == 0, result.output
        return seen

    return start


@contextmanager
def counting_statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app's engine runs inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
