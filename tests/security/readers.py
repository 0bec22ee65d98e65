"""Readable text of any response: HTML, CSV, XLSX or PDF, so tests can search it."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader


def text_of(response) -> str:
    """The words a reader of the response would see (and the raw body as well)."""
    mimetype = response.mimetype or ""
    if mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.data))
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        return " ".join(text.split())  # table cells wrap: compare words, not lines
    if "spreadsheetml" in mimetype:
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        workbook.close()
        return "\n".join(cells)
    return response.get_data(as_text=True)
