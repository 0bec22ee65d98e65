"""The file field any form adds to take evidence files (see the package docstring)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField
from wtforms.validators import ValidationError

from tracker.attachments.rules import PreparedFile, file_problem, human_size, prepare_file

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_file_bytes() -> int:
    """The largest file accepted: the upload limit (MAX_UPLOAD_MB)."""
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES)


def upload_limit() -> str:
    """The upload limit in words, for hints: "10 MB"."""
    return human_size(max_file_bytes())


def chosen_files(data: Any) -> list[FileStorage]:
    """The files actually chosen (a file input left empty sends a nameless, empty part)."""
    files = data if isinstance(data, list) else [data]
    return [f for f in files if isinstance(f, FileStorage) and (f.filename or f.content_length)]


class EvidenceFilesField(MultipleFileField):
    """Any number of evidence files. Validation reads each file (bounded by the upload
    limit), applies `rules.file_problem` and keeps the accepted ones, prepared, in
    `prepared`; one bad file fails the field, with every refused file named."""

    def __init__(
        self, label: str = "Attach files (optional)", *, multiple: bool = True, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", GovFileInput(multiple=multiple))
        super().__init__(label, **kwargs)
        self.prepared: list[PreparedFile] = []

    def pre_validate(self, form: Any) -> None:
        self.prepared = []
        limit = max_file_bytes()
        problems = []
        for storage in chosen_files(self.data):
            name = storage.filename or ""
            content = storage.stream.read(limit + 1)
            problem = file_problem(name, content, max_bytes=limit)
            if problem:
                problems.append(problem)
            else:
                self.prepared.append(prepare_file(name, content))
        if problems:
            self.prepared = []
            # One message naming every refused file, so one pass fixes them all.
            raise ValidationError(". ".join(problems))
