"""Small sample files of each accepted type (and some refused ones), made in memory."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
TEXT = "Minutes of the meeting: the Chief Constable agreed (café rota).\n".encode()
CSV = b"Reference,Title\r\nAA-2023-001,Victims' code compliance\r\n"
# A compound-file (OLE) header with the Word and Excel markers content sniffers look for.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
DOC = _OLE + b"\xec\xa5\xc1\x00" + b"\x00" * 600
XLS = _OLE + b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 600
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60
ZIP_ARCHIVE_NAME = "bundle.zip"
BINARY_WITH_NUL = b"plain words\x00then a NUL byte"
LATIN1_TEXT = "Café crème".encode("latin-1")


def docx() -> bytes:
    """A minimal Word (OOXML) package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def xlsx() -> bytes:
    """A real Excel workbook."""
    book = Workbook()
    book.active["A1"] = "Evidence"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_archive() -> bytes:
    """A plain zip archive (not an Office document): refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()
