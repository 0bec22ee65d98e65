"""Limits an uploaded spreadsheet must keep before it is parsed.

A 10 MB XLSX can expand to gigabytes (a zip bomb), and even a small sheet can declare
a cell at row 1,048,576 so that a reader allocates the whole grid. So a workbook is
checked in two steps before any spreadsheet reader sees it: first the sizes its archive
declares (total expanded size, compression ratio, nested archives), then its members
are copied into a fresh archive while counting the bytes that really come out and
scanning each sheet's XML for its last row and column. Reading stops at the first limit
passed. The readers then open the copy, whose sizes are true by construction.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CHUNK = 1024 * 1024
# Members smaller than this may compress very well (repeated XML) without harm.
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 2000
LONGEST_TAG = 64 * 1024
NESTED_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xltx", ".docx", ".pptx", ".gz", ".7z", ".rar")
NESTED_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
_WORKSHEET_RE = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# A row or cell start tag, with its reference when it has one: (tag, column letters, row).
_TAG_RE = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])(?:[^>]*?\sr="([A-Za-z]{0,3})(\d+)")?')


class LimitError(Exception):
    """The file passes a limit; the message says which, in the user's terms."""


@dataclass(frozen=True)
class Limits:
    """How large an import file may be once expanded, and how many rows and columns."""

    max_rows: int = 50_000
    max_columns: int = 200
    max_cells: int = 2_000_000
    max_expanded_mb: int = 100
    max_ratio: int = 200

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits set in the app's config (IMPORT_MAX_*), or the defaults."""
        return cls(
            max_rows=int(config.get("IMPORT_MAX_ROWS", cls.max_rows)),
            max_columns=int(config.get("IMPORT_MAX_COLUMNS", cls.max_columns)),
            max_cells=int(config.get("IMPORT_MAX_CELLS", cls.max_cells)),
            max_expanded_mb=int(config.get("IMPORT_MAX_EXPANDED_MB", cls.max_expanded_mb)),
            max_ratio=int(config.get("IMPORT_MAX_COMPRESSION_RATIO", cls.max_ratio)),
        )

    @property
    def max_expanded_bytes(self) -> int:
        return self.max_expanded_mb * 1024 * 1024

    def too_many_rows(self) -> LimitError:
        return LimitError(
            f"The file has more than {self.max_rows:,} rows: split it into files of at most "
            f"{self.max_rows:,} rows and upload them one at a time"
        )

    def too_many_columns(self) -> LimitError:
        return LimitError(
            f"The file has more than {self.max_columns:,} columns: remove the columns the "
            "import does not need and upload it again"
        )


def bounded_workbook(content: bytes, limits: Limits) -> bytes:
    """A copy of the XLSX archive `content` whose members are known to keep `limits`.

    Raises LimitError (with the reason) for a zip bomb, a nested archive, a sheet with
    too many rows, columns or cells, or an archive whose contents do not match the
    sizes it declares.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LimitError("The file is a damaged Excel workbook") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        _check_declared(members, limits)
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            expanded = 0
            for member in members:
                expanded = _copy_member(archive, member, target, expanded, limits)
    return copy.getvalue()


def _too_big(limits: Limits) -> LimitError:
    return LimitError(
        f"The workbook expands to more than {limits.max_expanded_mb} MB when opened, "
        "which is far more than a spreadsheet of this size should: save it again as a "
        "plain .xlsx or CSV file and upload that"
    )


def _check_declared(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse on what the archive says about itself, before expanding anything."""
    if len(members) > MAX_MEMBERS:
        raise LimitError("The workbook holds too many parts to be a spreadsheet")
    if sum(m.file_size for m in members) > limits.max_expanded_bytes:
        raise _too_big(limits)
    for member in members:
        if member.filename.lower().endswith(NESTED_SUFFIXES):
            raise _nested()
        if member.file_size > RATIO_FLOOR and (
            member.file_size > limits.max_ratio * max(member.compress_size, 1)
        ):
            raise LimitError(
                f"The workbook is compressed more than {limits.max_ratio} times, which "
                "spreadsheets never are: save it again as a plain .xlsx or CSV file"
            )


def _nested() -> LimitError:
    return LimitError(
        "The workbook contains another archive or embedded file: remove embedded "
        "objects, or copy the rows into a new workbook, and upload that"
    )


def _copy_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    target: zipfile.ZipFile,
    expanded: int,
    limits: Limits,
) -> int:
    """Copy one member chunk by chunk, counting real bytes; returns the running total."""
    scanner = SheetScanner(limits) if _WORKSHEET_RE.match(member.filename) else None
    try:
        with archive.open(member) as source, target.open(member.filename, "w") as sink:
            first = True
            while chunk := source.read(CHUNK):
                if first and chunk.startswith(NESTED_MAGIC):
                    raise _nested()
                first = False
                expanded += len(chunk)
                if expanded > limits.max_expanded_bytes:
                    raise _too_big(limits)
                if scanner is not None:
                    scanner.feed(chunk)
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise LimitError(
            "The Excel workbook is damaged: its contents do not match the sizes it declares"
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
        raise LimitError(
            "The Excel workbook cannot be read: save it without a password or special "
            "compression and upload it again"
        ) from exc
    if scanner is not None:
        scanner.finish()
    return expanded


def column_number(letters: bytes) -> int:
    """1 for A, 27 for AA (cell references' column letters)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - 64)
    return number


class SheetScanner:
    """Follows a sheet's XML as it streams past, refusing it at the first row, column or
    cell count over the limits (reading stops there, so a bomb is never expanded)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.row = 0
        self.column = 0
        self.last_row = 0
        self.last_column = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        text = self._tail + chunk
        start = text.rfind(b"<")
        if start == -1 or text.find(b">", start) != -1:
            self._tail = b""
            self._scan(text)
            return
        self._tail = text[start:]
        if len(self._tail) > LONGEST_TAG:
            raise LimitError("The Excel workbook cannot be read: it may be damaged")
        self._scan(text[:start])

    def _scan(self, text: bytes) -> None:
        limits = self.limits
        row, column = self.row, self.column
        last_row, last_column = self.last_row, self.last_column
        for tag, letters, digits in _TAG_RE.findall(text):
            if tag == b"row":
                row = int(digits) if digits else row + 1
                column = 0
                if row > last_row:
                    last_row = row
                    if row > limits.max_rows + 1:  # the heading row and max_rows rows
                        raise limits.too_many_rows()
                continue
            if letters:
                column = column_number(letters)
                if int(digits) > last_row:
                    last_row = int(digits)
                    if last_row > limits.max_rows + 1:
                        raise limits.too_many_rows()
            else:
                column += 1
            if column > last_column:
                last_column = column
                if column > limits.max_columns:
                    raise limits.too_many_columns()
        self.row, self.column = row, column
        self.last_row, self.last_column = last_row, last_column

    def finish(self) -> None:
        """Refuse a sheet whose filled area is too large even within the row and column
        limits (readers allocate every cell of it)."""
        if self.last_row * self.last_column > self.limits.max_cells:
            raise LimitError(
                f"The sheet spans {self.last_row:,} rows by {self.last_column:,} columns, "
                f"more than {self.limits.max_cells:,} cells: delete the unused rows and "
                "columns (including formatting far from the data) and upload it again"
            )
