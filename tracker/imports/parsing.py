"""Reading uploaded spreadsheets (XLSX or CSV) into a header and numbered rows.

The file type is decided from the content, never the name. A file is bounded before it
is read (see bounds.py): a workbook's archive is checked and copied with its true sizes
before a reader opens it, and a CSV file is streamed, stopping at the row and column
limits. Only the rows a step needs are kept. Cell values are read with
calamine (fast, in Rust); a sheet holding any formula is read cell by cell with
openpyxl instead, so each formula cell can be reported (never run). Formulas and
merged cells are found in the sheet's XML (parsed with defusedxml). Row numbers are
the spreadsheet's own (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineWorkbook

from tracker.imports.bounds import LimitError, Limits, bounded_workbook

# Text a spreadsheet could run as a formula (the export neutralises the same starts).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_MESSAGE = "Contains a formula: enter the value"
FORMULA_LIKE_MESSAGE = (
    "Starts with =, +, - or @, so a spreadsheet could run it as a formula: enter the "
    "value, or put an apostrophe (') before it to keep it as text"
)
# Rows read first when only the headings and one row are needed (more if those are blank).
HEADING_ROWS_READ = 50
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class FileProblemError(Exception):
    """The file cannot be read at all; the message says why in the user's terms."""


@dataclass
class Issue:
    """An error or warning about one cell, row or the whole file."""

    row: int | None
    column: str
    message: str


@dataclass
class Sheet:
    """The rows of one sheet or CSV file."""

    headings: list[str]
    rows: list[tuple[int, list[Any]]]
    sheet_names: list[str] = field(default_factory=list)
    sheet_name: str = ""
    problems: list[Issue] = field(default_factory=list)
    kind: str = "csv"


def file_kind(content: bytes) -> str:
    """ "xlsx" or "csv" from the bytes themselves; FileProblemError otherwise."""
    if not content or not content.strip():
        raise FileProblemError("The file is empty")
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile as exc:
            raise FileProblemError("The file is a damaged Excel workbook") from exc
        raise FileProblemError("The file is not an Excel workbook (XLSX) or a CSV file")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblemError(
            "The file is an old Excel workbook (.xls). Save it as .xlsx or CSV and upload again"
        )
    if b"\x00" in content[:4096]:
        raise FileProblemError("The file is not an Excel workbook (XLSX) or a CSV file")
    return "csv"


def read_sheet(
    content: bytes,
    *,
    sheet_name: str | None = None,
    first_row_only: bool = False,
    limits: Limits | None = None,
) -> Sheet:
    """The header and rows of the file (the chosen or first sheet of a workbook).

    `first_row_only` keeps only the first data row (the heading row is what the upload
    and mapping steps need); the whole file is still checked against `limits`.
    """
    limits = limits or Limits()
    kind = file_kind(content)
    try:
        if kind == "xlsx":
            sheet = _read_bounded_xlsx(content, sheet_name, first_row_only, limits)
        else:
            sheet = _read_csv(content, first_row_only=first_row_only, limits=limits)
    except LimitError as exc:
        raise FileProblemError(str(exc)) from exc
    if not sheet.headings or not any(sheet.headings):
        raise FileProblemError("The file has no heading row: put column headings in row 1")
    if not sheet.rows:
        raise FileProblemError("The file has headings but no rows to import")
    return sheet


def _read_bounded_xlsx(
    content: bytes, sheet_name: str | None, first_row_only: bool, limits: Limits
) -> Sheet:
    bounded = bounded_workbook(content, limits)  # LimitError before any reader runs
    try:
        return _read_xlsx(bounded, sheet_name, first_row_only=first_row_only)
    except FileProblemError:
        raise
    except Exception as exc:  # a damaged member or malformed XML inside the archive
        raise FileProblemError("The Excel workbook cannot be read: it may be damaged") from exc


def formula_problem(value: Any) -> str | None:
    """Why a spreadsheet could run this cell as a formula, or None when it could not.

    Text starting with =, +, -, @ (after any leading tabs, line breaks or spaces, which
    the import trims) is a formula; numbers are not, even typed as text ("-2", "+3.5"),
    and neither is a lone sign or dash ("-" for "none"). Text kept as text with an
    apostrophe ("'+1") is not a formula either.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) < 2 or not text.startswith(FORMULA_STARTS):
        return None
    if text.startswith("="):
        return FORMULA_MESSAGE
    try:
        float(text)
    except ValueError:
        return FORMULA_LIKE_MESSAGE
    return None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblemError("The CSV file's text encoding is not recognised: save it as UTF-8")


def _read_csv(content: bytes, *, first_row_only: bool = False, limits: Limits) -> Sheet:
    """Stream the rows, refusing at the first row or column over the limits."""
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader, None)
        if header is None:
            raise FileProblemError("The file is empty")
        if len(header) > limits.max_columns:
            raise limits.too_many_columns()
        sheet = Sheet(headings=[cell.strip() for cell in header], rows=[], kind="csv")
        count = 0
        for number, line in enumerate(reader, start=2):
            if len(line) > limits.max_columns:
                raise limits.too_many_columns()
            if not any(cell.strip() for cell in line):
                continue
            count += 1
            if count > limits.max_rows:
                raise limits.too_many_rows()
            if first_row_only and sheet.rows:
                continue  # keep counting: the limits hold for the whole file
            _note_formulas(sheet, number, line)
            sheet.rows.append((number, list(line)))
    except csv.Error as exc:
        raise FileProblemError(f"The CSV file cannot be read: {exc}") from exc
    return sheet


def _note_formulas(sheet: Sheet, number: int, values: list[Any]) -> None:
    for index, value in enumerate(values):
        if message := formula_problem(value):
            sheet.problems.append(Issue(number, _heading(sheet.headings, index), message))


def _heading(headings: list[str], index: int) -> str:
    return headings[index] if index < len(headings) and headings[index] else f"column {index + 1}"


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_xml(content: bytes, name: str) -> bytes | None:
    """The XML of the sheet called `name`, found through the workbook's relationships
    (None when the workbook is laid out in a way this does not follow)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter()}
        for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
            if sheet.get("name") == name:
                target = targets.get(sheet.get(f"{_REL_NS}id"), "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                return archive.read(path) if path in archive.namelist() else None
    return None


def _read_xlsx(content: bytes, sheet_name: str | None, *, first_row_only: bool = False) -> Sheet:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = list(workbook.sheet_names)
        chosen = sheet_name if sheet_name in names else (names[0] if names else "")
        xml = _sheet_xml(content, chosen) if names else None
    except Exception as exc:  # damaged archives and XML raise many kinds of error
        raise FileProblemError("The Excel workbook cannot be read: it may be damaged") from exc
    if not names:
        raise FileProblemError("The workbook has no sheets")
    sheet = Sheet(headings=[], rows=[], sheet_names=names, sheet_name=chosen, kind="xlsx")
    if xml is None or _FORMULA_RE.search(xml):
        return _read_xlsx_cell_by_cell(content, sheet, first_row_only=first_row_only)
    # The grid's size is bounded: bounded_workbook checked the sheet's last row and column.
    # For the heading row, only the top of the grid is made into Python values.
    worksheet = workbook.get_sheet_by_name(chosen)
    if first_row_only:
        top = worksheet.to_python(skip_empty_area=False, nrows=HEADING_ROWS_READ)
        if not _collect(sheet, enumerate(top, start=1), first_row_only=True):
            return sheet
        sheet.headings, sheet.rows, sheet.problems = [], [], []
    grid = worksheet.to_python(skip_empty_area=False)
    if _collect(sheet, enumerate(grid, start=1), first_row_only=first_row_only):
        sheet.problems.extend(_merged_cells(xml, sheet.headings))
    return sheet


def _read_xlsx_cell_by_cell(content: bytes, sheet: Sheet, *, first_row_only: bool) -> Sheet:
    """The slower openpyxl reading, which can tell formula cells apart."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileProblemError("The Excel workbook cannot be read: it may be damaged") from exc
    try:
        worksheet = workbook[sheet.sheet_name]
        with worksheet._get_source() as source:  # the sheet's XML stream inside the archive
            xml = source.read()
        numbered = _cells_with_formulas(worksheet, sheet)
        if _collect(sheet, numbered, first_row_only=first_row_only):
            sheet.problems.extend(_merged_cells(xml, sheet.headings))
        return sheet
    finally:
        workbook.close()


def _collect(sheet: Sheet, numbered, *, first_row_only: bool) -> bool:
    """Fill the headings (row 1) and non-blank rows; False when stopped after one row."""
    for number, values in numbered:
        if number == 1:
            sheet.headings = [_plain_heading(value) for value in values]
            while sheet.headings and not sheet.headings[-1]:
                sheet.headings.pop()
            continue
        if any(v not in (None, "") and str(v).strip() for v in values):
            _note_formulas(sheet, number, values)
            sheet.rows.append((number, list(values)))
            if first_row_only:
                return False
    return True


def _cells_with_formulas(worksheet: Any, sheet: Sheet):
    """(row number, values) read cell by cell, reporting every formula cell as a problem
    and reading it as empty. The heading row (row 1) is yielded as it is."""
    worksheet.reset_dimensions()
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = []
        for index, cell in enumerate(cells):
            value = cell.value
            if number > 1 and getattr(cell, "data_type", None) == "f":
                sheet.problems.append(
                    Issue(
                        number,
                        _heading(sheet.headings, index),
                        "Contains a formula: replace it with its value",
                    )
                )
                value = None
            values.append(value)
        yield number, values


def _plain_heading(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _merged_cells(xml: bytes, headings: list[str]) -> list[Issue]:
    """Merged ranges in the sheet XML (read-only worksheets do not expose them)."""
    problems = []
    for match in _MERGE_RE.finditer(xml):
        ref = match.group(1).decode()
        min_col, min_row, _max_col, _max_row = range_boundaries(ref)
        problems.append(
            Issue(
                min_row,
                _heading(headings, (min_col or 1) - 1),
                f"Cells {ref} are merged: unmerge them so each row has its own value",
            )
        )
    return problems


# Cell values ------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([a-z]+)\.?,?[\s\-/]+(\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


def text_value(value: Any) -> str:
    """A cell as trimmed text; an apostrophe put before formula-like text is removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if len(raw) == 2 else year


def date_value(value: Any) -> date | None:
    """A date from a date cell, an Excel serial number or UK/ISO text; ValueError if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _serial(value)
    else:
        result = _date_from_text(str(value).strip().casefold())
    if not 1990 <= result.year <= 2100:
        raise ValueError(f"{result.isoformat()} is not between 1990 and 2100")
    return result


def _serial(number: float) -> date:
    if not 1 <= number < 2958466:
        raise ValueError(f"{number} is not a date")
    return from_excel(number).date()


def _date_from_text(text: str) -> date:
    original = text
    try:
        if match := _ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.match(text):
            return date(_year(match[3]), int(match[2]), int(match[1]))
        if match := _NAMED_DATE.match(text):
            month = MONTHS.get(match[2])
            if month is None:
                raise ValueError(original)
            return date(_year(match[3]), month, int(match[1]))
    except ValueError as exc:
        raise ValueError(f"{original} is not a real date") from exc
    if _SERIAL.match(text):
        return _serial(float(text))
    raise ValueError(f"{original} is not a date: use a date like 12/05/2023 or 12 May 2023")


YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


def yes_no_value(value: Any) -> bool:
    """True or False from yes/no, true/false, y/n, 1/0; ValueError otherwise."""
    if isinstance(value, bool):
        return value
    text = text_value(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{text_value(value)} is not yes or no")
