"""The deployment as an IT team runs it: gunicorn behind the nginx site from deploy/,
over HTTPS with a throwaway certificate, on loopback.

nginx comes from Debian's packages (`make test` installs it). The site file is used as
shipped, with only its ports, names, certificate and paths replaced; gunicorn runs the
production settings against the test database.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from, free_port
from tracker import PROJECT_DIR

SITE = PROJECT_DIR / "deploy" / "nginx" / "opcc-tracker.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PER_ADDRESS_LIMIT = 5
MAX_UPLOAD_MB = 3

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")


@dataclass
class Deployment:
    https_url: str
    http_url: str
    certificate: Path

    def client_at(self, address: str) -> requests.Session:
        """A client on its own loopback address, as a separate machine would be, that
        trusts the throwaway certificate (and nothing from the environment)."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.certificate)
        session.mount("https://", FromAddress(address))
        return session


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start listening on {port}")


def _site_for_test(https_port: int, http_port: int, app_port: int, folder: Path) -> str:
    site = SITE.read_text()
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = re.sub(r"^\s*listen \[::\]:.*$", "", site, flags=re.MULTILINE)
    site = site.replace("server_name tracker.example.org;", "server_name localhost;")
    site = site.replace(
        "return 301 https://$host$request_uri;",
        (f"return 301 https://$host:{https_port}$request_uri;"),
    )
    site = site.replace("/etc/ssl/certs/tracker.example.org.pem", str(folder / "cert.pem"))
    site = site.replace("/etc/ssl/private/tracker.example.org.key", str(folder / "key.pem"))
    site = site.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{app_port}")
    return site.replace("/srv/opcc-tracker/static/", f"{PROJECT_DIR / 'static'}/")


def _nginx_conf(site: str, folder: Path) -> str:
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
{user}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temp}
{site}
}}
"""


@pytest.fixture
def deployment(app, database_url, tmp_path) -> Iterator[Deployment]:
    with app.app_context():
        from tracker.db import db

        db.engine.dispose()  # the gunicorn process opens its own connections
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    environment = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "SERVER_BASE_URL": f"https://tracker.example.org:{https_port}",
        "TRUSTED_PROXY_COUNT": "1",
        "TRACKER_INSTANCE_DIR": str(tmp_path / "instance"),
        "MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
        "LOGIN_THROTTLE_MAX_PER_ADDRESS": str(PER_ADDRESS_LIMIT),
        "MAIL_SERVER": "",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.prefix) / "bin" / "gunicorn"),
            "--config", str(PROJECT_DIR / "deploy" / "gunicorn.conf.py"),
            "--workers", "1", "--bind", f"127.0.0.1:{app_port}", "wsgi:app",
        ],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    site = _site_for_test(https_port, http_port, app_port, tmp_path)
    (tmp_path / "nginx.conf").write_text(_nginx_conf(site, tmp_path))
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(app_port, gunicorn, "gunicorn")
        _wait_for(https_port, nginx, "nginx")
        yield Deployment(
            f"https://localhost:{https_port}",
            f"http://localhost:{http_port}",
            tmp_path / "cert.pem",
        )
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


class FromAddress(HTTPAdapter):
    """Connections from one loopback address, as a separate machine would make them."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def sign_in(session: requests.Session, url: str, email: str, password: str, **headers):
    page = session.get(f"{url}/login", timeout=10)
    return session.post(
        f"{url}/login",
        data={"email": email, "password": password, "csrf_token": csrf_token_from(page.text)},
        # Over HTTPS the CSRF check also wants the Referer a browser sends.
        headers={"Referer": f"{url}/login", **headers},
        allow_redirects=False,
        timeout=10,
    )


def test_the_proxy_passes_each_clients_own_address_to_the_sign_in_throttle(deployment, officer):
    attacker = deployment.client_at("127.0.0.2")
    for attempt in range(PER_ADDRESS_LIMIT):
        refused = sign_in(
            attacker,
            deployment.https_url,
            f"nobody{attempt}@opcc.example.org",
            "wrong password here",
            # A forged address must not let the attacker start afresh each time.
            **{"X-Forwarded-For": f"10.0.0.{attempt}"},
        )
        assert refused.status_code == 200
    throttled = sign_in(attacker, deployment.https_url, officer.email, DEFAULT_PASSWORD)
    assert throttled.status_code in (200, 429)
    assert "Too many" in throttled.text or "too many" in throttled.text
    colleague = deployment.client_at("127.0.0.3")
    signed_in = sign_in(colleague, deployment.https_url, officer.email, DEFAULT_PASSWORD)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] in ("/", f"{deployment.https_url}/")
    cookie = next(c for c in colleague.cookies if c.name == "tracker_session")
    assert cookie.secure


def test_uploads_larger_than_nginx_default_reach_the_app_and_too_large_is_explained(
    deployment, officer
):
    session = deployment.client_at("127.0.0.4")
    assert (
        sign_in(session, deployment.https_url, officer.email, DEFAULT_PASSWORD).status_code == 302
    )
    row = "Ref,Action,Owner,Raised,Due\n"
    rows = "".join(
        f"AA-2026-{n:05d},{'Review the custody handover records ' * 8},"
        "olu.officer@opcc.example.org,01/10/2026,01/12/2026\n"
        for n in range(5000)
    )
    body = (row + rows).encode()
    assert 1.5 * 1024 * 1024 < len(body) < MAX_UPLOAD_MB * 1024 * 1024

    def upload(content: bytes):
        form = session.get(f"{deployment.https_url}/imports/new", timeout=10)
        return session.post(
            f"{deployment.https_url}/imports/new",
            data={
                "csrf_token": csrf_token_from(form.text),
                "target": "actions",
                "source_type": "meeting",
            },
            files={"upload": ("actions.csv", content, "text/csv")},
            headers={"Referer": f"{deployment.https_url}/imports/new"},
            allow_redirects=False,
            timeout=60,
        )

    accepted = upload(body)
    assert accepted.status_code != 413, "nginx refused a body the app allows"
    assert accepted.status_code in (302, 422), accepted.text[:500]
    too_large = upload(b"x" * (MAX_UPLOAD_MB * 1024 * 1024 + 1))
    assert too_large.status_code == 413
    # The app's own page, which says what the limit is (nginx's would not).
    assert f"The file must be smaller than {MAX_UPLOAD_MB} MB" in too_large.text


def test_health_over_https_and_plain_http_moves_to_https(deployment):
    health = deployment.client_at("127.0.0.1").get(f"{deployment.https_url}/healthz", timeout=10)
    assert health.json() == {"status": "ok"}
    moved = requests.get(f"{deployment.http_url}/login", allow_redirects=False, timeout=10)
    assert moved.status_code == 301
    assert moved.headers["Location"].startswith("https://localhost:")
    static = deployment.client_at("127.0.0.1").get(
        f"{deployment.https_url}/static/css/app.css", timeout=10
    )
    assert static.status_code == 200
    assert static.headers["Content-Type"].startswith("text/css")


@pytest.mark.browser
def test_a_user_signs_in_through_the_proxy_in_chromium(deployment, officer, browser):
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(f"{deployment.https_url}/login")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{deployment.https_url}/")
    assert page.locator("h1").first.inner_text()
    assert officer.name in page.content()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["tracker_session"]["secure"] is True
    context.close()
