"""The file rules: type from content, cleaned names, and every refused case."""

from __future__ import annotations

import hashlib

import pytest

from tests.attachments import files
from tracker.attachments.rules import (
    clean_filename,
    detect_kind,
    file_problem,
    human_size,
    prepare_file,
)

LIMIT = 1024


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (files.PDF, "application/pdf"),
        (files.DOC, "application/msword"),
        (
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (files.XLS, "application/vnd.ms-excel"),
        (files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (files.PNG, "image/png"),
        (files.JPEG, "image/jpeg"),
        (files.GIF, "image/gif"),
        (files.WEBP, "image/webp"),
        (files.TEXT, "text/plain; charset=utf-8"),
        (files.CSV, "text/plain; charset=utf-8"),
    ],
)
def test_accepted_types_are_known_from_their_content(content, content_type):
    assert detect_kind(content).content_type == content_type


@pytest.mark.parametrize(
    "content",
    [files.EXE, files.zip_archive(), files.BINARY_WITH_NUL, files.LATIN1_TEXT],
    ids=["executable", "zip archive", "text with a NUL byte", "text not in UTF-8"],
)
def test_other_content_is_refused_whatever_its_name(content):
    assert detect_kind(content) is None
    assert file_problem("evidence.pdf", content, max_bytes=LIMIT) == (
        "“evidence.pdf” must be a PDF, Word, Excel, OpenDocument, image (PNG, JPEG, GIF, "
        "WebP) or text file"
    )


def test_an_empty_file_is_refused():
    assert file_problem("notes.txt", b"", max_bytes=LIMIT) == (
        "“notes.txt” is empty. Choose a file that has something in it"
    )


def test_a_file_over_the_limit_is_refused():
    assert file_problem("big.pdf", files.PDF + b" " * LIMIT, max_bytes=LIMIT) == (
        "“big.pdf” must be smaller than 1 KB"
    )


def test_a_file_at_the_limit_is_accepted():
    content = files.PDF + b" " * (LIMIT - len(files.PDF))
    assert file_problem("big.pdf", content, max_bytes=LIMIT) is None


@pytest.mark.parametrize("name", ["reports/q3.pdf", "C:\\Users\\me\\q3.pdf", "..", "../q3.pdf"])
def test_a_name_with_path_parts_is_refused_with_a_message(name):
    problem = file_problem(name, files.PDF, max_bytes=LIMIT)
    assert "includes a folder path" in problem


def test_a_nameless_file_is_refused():
    assert file_problem("  ", files.PDF, max_bytes=LIMIT) == "The selected file has no name"


@pytest.mark.parametrize(
    ("name", "content", "cleaned"),
    [
        ("Q3 performance report.pdf", files.PDF, "Q3 performance report.pdf"),
        ("Scan.PDF", files.PDF, "Scan.pdf"),
        ("photo.jpeg", files.JPEG, "photo.jpeg"),
        ("Rapport d'activité \u2013 été.pdf", files.PDF, "Rapport d'activité - été.pdf"),
        ("evidence.exe", files.PDF, "evidence.pdf"),
        ("minutes.docx", files.TEXT, "minutes.txt"),
        ("figures.csv", files.CSV, "figures.csv"),
        ("no extension", files.PNG, "no extension.png"),
        ("...hidden.pdf", files.PDF, "hidden.pdf"),
        ("a<b>:c|d?.pdf", files.PDF, "a_b__c_d_.pdf"),
        ("tab\there\x00\u200b.pdf", files.PDF, "tab here.pdf"),
        ("version 2.final draft", files.PDF, "version 2.final draft.pdf"),
        ("x" * 300 + ".pdf", files.PDF, "x" * 146 + ".pdf"),
    ],
)
def test_names_are_cleaned_and_end_in_an_extension_of_their_type(name, content, cleaned):
    assert clean_filename(name, detect_kind(content)) == cleaned


def test_a_prepared_file_has_its_type_size_and_checksum():
    prepared = prepare_file("Minutes.txt", files.TEXT)
    assert prepared.filename == "Minutes.txt"
    assert prepared.kind.content_type == "text/plain; charset=utf-8"
    assert prepared.size == len(files.TEXT)
    assert prepared.sha256 == hashlib.sha256(files.TEXT).hexdigest()


@pytest.mark.parametrize(
    ("size", "words"),
    [(1, "1 byte"), (850, "850 bytes"), (12 * 1024, "12 KB"), (3_565_158, "3.4 MB")],
)
def test_human_size(size, words):
    assert human_size(size) == words
