"""Turning a report's HTML into an accessible, tagged PDF with WeasyPrint.

WeasyPrint may only fetch files from static/ (never the network or other files), the
PDF is PDF/UA-1 (tagged, with title and language), and the file name carries the date.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from flask import Response, current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class ForbiddenResourceError(ValueError):
    """The report asked for a file outside static/."""


class StaticOnlyFetcher(URLFetcher):
    """Serve /static/... from the static folder; refuse the network and every other file."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols={"file"})
        self.static = Path(static_folder).resolve()

    def fetch(self, url: str, headers=None):
        path = urlparse(url).path
        if path.startswith("/static/"):
            target = (self.static / path.removeprefix("/static/")).resolve()
            if target.is_file() and self.static in target.parents:
                return super().fetch(target.as_uri(), headers)
        raise ForbiddenResourceError(f"Reports may only use files from static/, not {url}")


def render_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 document from report HTML."""
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    document = HTML(string=html, base_url="http://report.invalid/", url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_download(pdf: bytes, *, filename: str) -> Response:
    """A PDF download under `filename` (already dated by the caller)."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
