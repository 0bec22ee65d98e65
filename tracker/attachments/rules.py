"""What an evidence file may be: its type judged from its content, its name cleaned.

Pure rules, no database: `file_problem` says what is wrong with an uploaded file (or
None), `prepare_file` gives the accepted file its cleaned name, type and checksum. The
upload form field, the services and anything else that takes files call the same two.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileKind:
    """An accepted type of file: what is stored as its content type, its name in words and
    the extensions a file of this type may have (the first is used when one is wrong)."""

    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", "PDF", ("pdf",))
TEXT = FileKind("text/plain; charset=utf-8", "Text", ("txt", "csv"))
# Keyed by the MIME type the content sniffer (filetype) reports.
SNIFFED_KINDS: dict[str, FileKind] = {
    "application/pdf": PDF,
    "application/msword": FileKind("application/msword", "Word document", ("doc",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        ("docx",),
    ),
    "application/vnd.ms-excel": FileKind("application/vnd.ms-excel", "Excel workbook", ("xls",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
        ("xlsx",),
    ),
    "application/vnd.oasis.opendocument.text": FileKind(
        "application/vnd.oasis.opendocument.text", "OpenDocument text", ("odt",)
    ),
    "application/vnd.oasis.opendocument.spreadsheet": FileKind(
        "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", ("ods",)
    ),
    "image/png": FileKind("image/png", "PNG image", ("png",)),
    "image/jpeg": FileKind("image/jpeg", "JPEG image", ("jpg", "jpeg")),
    "image/gif": FileKind("image/gif", "GIF image", ("gif",)),
    "image/webp": FileKind("image/webp", "WebP image", ("webp",)),
}
ACCEPTED_TYPES_TEXT = "a PDF, Word, Excel, OpenDocument, image (PNG, JPEG, GIF, WebP) or text file"
# For the file chooser's accept attribute: a hint to the browser only, never relied on.
ACCEPT_ATTRIBUTE = ",".join(
    sorted({f".{ext}" for kind in [*SNIFFED_KINDS.values(), TEXT] for ext in kind.extensions})
)

NAME_MAX = 150
# Characters kept in a file name besides letters and digits (of any script).
_NAME_PUNCTUATION = set(" -_.,()&'+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PreparedFile:
    """An accepted file, ready to store."""

    filename: str
    kind: FileKind
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def human_size(size: int) -> str:
    """A size in words: "850 bytes", "12 KB", "3.4 MB"."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{round(megabytes)} MB"


def kind_label(content_type: str) -> str:
    """The stored content type in words ("PDF", "Excel workbook")."""
    for kind in [*SNIFFED_KINDS.values(), TEXT]:
        if kind.content_type == content_type:
            return kind.label
    return "File"


def detect_kind(content: bytes) -> FileKind | None:
    """The accepted type `content` is, judged from the bytes alone (None: not accepted)."""
    sniffed = filetype.guess_mime(content[:8192]) if content else None
    if sniffed is not None:
        return SNIFFED_KINDS.get(sniffed)
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def has_path_parts(filename: str) -> bool:
    """The name includes a folder (a slash or backslash) or is a parent-folder name."""
    return "/" in filename or "\\" in filename or filename.strip() in {".", ".."}


def _name_character(ch: str) -> str:
    """One character of a cleaned name: kept, a space, dropped or "_"."""
    if ch.isalnum() or ch in _NAME_PUNCTUATION:
        return ch
    if ch.isspace():
        return " "
    if unicodedata.category(ch) == "Pd":  # dashes of every kind
        return "-"
    if unicodedata.category(ch)[0] == "C":  # control and format characters
        return ""
    return "_"


def clean_filename(filename: str, kind: FileKind) -> str:
    """A readable, safe name for the file: letters and digits of any script, spaces and
    ordinary punctuation kept, anything else replaced by "_", no leading dots, at most
    NAME_MAX characters, ending in an extension that agrees with the file's type."""
    name = unicodedata.normalize("NFC", filename)
    name = "".join(_name_character(ch) for ch in name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    if extension not in kind.extensions:
        if not dot or not extension.isalnum():
            stem = name  # no real extension to replace: keep the whole name, add one
        extension = kind.extensions[0]
    stem = stem.strip(" .")[: NAME_MAX - len(extension) - 1].rstrip(" .") or "file"
    return f"{stem}.{extension}"


def file_problem(filename: str, content: bytes, *, max_bytes: int) -> str | None:
    """What is wrong with an uploaded file, in the user's words, or None when it is
    accepted. `content` may be cut short at max_bytes + 1 (enough to know it is too big)."""
    shown = filename.strip() or "The file"
    if not filename.strip():
        return "The selected file has no name"
    if has_path_parts(filename):
        return (
            f"The file name “{shown}” includes a folder path. Choose the file itself, "
            "with a name that has no / or \\ in it"
        )
    if not content:
        return f"“{shown}” is empty. Choose a file that has something in it"
    if len(content) > max_bytes:
        return f"“{shown}” must be smaller than {human_size(max_bytes)}"
    if detect_kind(content) is None:
        return f"“{shown}” must be {ACCEPTED_TYPES_TEXT}"
    return None


def prepare_file(filename: str, content: bytes) -> PreparedFile:
    """The accepted file (file_problem found nothing) with its cleaned name, type and
    SHA-256 checksum."""
    kind = detect_kind(content)
    if kind is None:
        raise ValueError("prepare_file needs a file that file_problem accepted")
    return PreparedFile(
        filename=clean_filename(filename, kind),
        kind=kind,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
