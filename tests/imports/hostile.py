"""Hostile upload files, made in memory: zip bombs, nested archives, lying archives,
wide and tall sheets. Each is small to make and to send; the danger is in what it
expands to. Sheets are written chunk by chunk so no test holds the expanded XML."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterator

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_SHEET_END = b"</sheetData></worksheet>"


def cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def heading_row() -> bytes:
    return b'<row r="1">' + cell("A1", "reference") + cell("B1", "title") + b"</row>"


def workbook(
    sheet_chunks: Callable[[], Iterator[bytes]],
    *,
    extra: dict[str, bytes] | None = None,
    level: int = 9,
    zip64: bool = True,
) -> bytes:
    """A minimal XLSX whose sheet XML is written from `sheet_chunks` as it is made."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open(SHEET, "w", force_zip64=zip64) as sheet:
            sheet.write(_SHEET_START)
            for chunk in sheet_chunks():
                sheet.write(chunk)
            sheet.write(_SHEET_END)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def small_workbook(rows: int = 3) -> bytes:
    """An ordinary workbook made the same way, to show the generator makes real files."""

    def chunks() -> Iterator[bytes]:
        yield heading_row()
        for number in range(2, rows + 2):
            yield (
                f'<row r="{number}">'.encode()
                + cell(f"A{number}", f"REF-{number}")
                + cell(f"B{number}", f"Action {number}")
                + b"</row>"
            )

    return workbook(chunks)


def rows_bomb(expanded_mb: int = 150, *, zip64: bool = True) -> bytes:
    """Row after identical row (no row numbers) until the sheet is `expanded_mb` MB."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' + b"</row>"
    block = row * (MB // len(row))

    def chunks() -> Iterator[bytes]:
        yield heading_row()
        for _ in range(expanded_mb):
            yield block

    return workbook(chunks, zip64=zip64)


def one_cell_bomb(expanded_mb: int = 150) -> bytes:
    """One cell holding `expanded_mb` MB of text."""
    block = b"A" * MB

    def chunks() -> Iterator[bytes]:
        yield heading_row() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(expanded_mb):
            yield block
        yield b"</t></is></c></row>"

    return workbook(chunks)


def tall_workbook(data_rows: int) -> bytes:
    """A workbook of `data_rows` small rows under the headings."""

    def chunks() -> Iterator[bytes]:
        yield heading_row()
        for start in range(2, data_rows + 2, 10_000):
            yield b"".join(
                f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>R{n}</t></is></c></row>'.encode()
                for n in range(start, min(start + 10_000, data_rows + 2))
            )

    return workbook(chunks)


def wide_workbook(columns: int) -> bytes:
    """Headings in `columns` columns (cells without references, placed one after another)."""

    def chunks() -> Iterator[bytes]:
        yield b"<row>" + b'<c t="inlineStr"><is><t>h</t></is></c>' * columns + b"</row>"
        yield b"<row>" + cell("A2", "one") + b"</row>"

    return workbook(chunks)


def sparse_workbook(last_cell: str) -> bytes:
    """Headings, and one more cell far away (readers allocate the whole area between)."""

    def chunks() -> Iterator[bytes]:
        row = int("".join(ch for ch in last_cell if ch.isdigit()))
        yield heading_row() + f'<row r="{row}">'.encode() + cell(last_cell, "far") + b"</row>"

    return workbook(chunks)


def nested_archive(name: str = "xl/embeddings/inner.xlsx") -> bytes:
    """An ordinary workbook that carries another archive inside it."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("inner.txt", "hello")
    return workbook(lambda: iter([heading_row()]), extra={name: inner.getvalue()})


def lying_workbook(real_mb: int = 20, declared: int = 1000) -> bytes:
    """A workbook whose sheet says it is `declared` bytes but expands to `real_mb` MB."""
    content = bytearray(rows_bomb(real_mb, zip64=False))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        local = archive.getinfo(SHEET).header_offset
    struct.pack_into("<I", content, local + 22, declared)  # the local header's size
    central = content.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46 : central + 46 + name_length] == SHEET.encode():
            struct.pack_into("<I", content, central + 24, declared)
            break
        central = content.find(b"PK\x01\x02", central + 4)
    return bytes(content)


def wide_csv(columns: int = 200_000) -> bytes:
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + "x\n").encode()


def tall_csv(rows: int = 1_000_000) -> bytes:
    return b"reference,title\n" + b"R,x\n" * rows
