"""Downloading an attachment, and replacing one with a newer file."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from tracker.attachments import services
from tracker.attachments.definitions import owner_kind
from tracker.attachments.forms import EvidenceFilesField
from tracker.attachments.loaders import get_attachment_or_404
from tracker.attachments.rules import human_size
from tracker.editing import save_form
from tracker.policy import can_view_lists
from tracker.security import permission_required

bp = Blueprint("attachments", __name__, url_prefix="/attachments")


def content_disposition(filename: str) -> str:
    """`attachment` with the file's name: plain for ASCII names; otherwise an ASCII
    stand-in plus the real name in RFC 5987 form (filename*=UTF-8''...)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in filename)
    fallback = fallback.replace("\\", "_").replace('"', "_")
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@bp.route("/<int:attachment_id>")
@permission_required(can_view_lists)
def download(attachment_id: int):
    attachment = get_attachment_or_404(attachment_id)
    response = Response(attachment.content.data, content_type=attachment.content_type)
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Never rendered in the browser; were it opened anyway, it could run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class ReplaceForm(FlaskForm):
    file = EvidenceFilesField("Choose the new file", multiple=False)
    submit = SubmitField("Replace the file", widget=GovSubmitInput())

    def validate_file(self, field: EvidenceFilesField) -> None:
        if len(field.prepared) != 1:
            raise ValidationError("Choose one file to replace it with")


@bp.route("/<int:attachment_id>/replace", methods=["GET", "POST"])
@permission_required(can_view_lists)
def replace(attachment_id: int):
    attachment = get_attachment_or_404(attachment_id, need="replace")
    kind = owner_kind(attachment.owner_kind)
    form = ReplaceForm()
    return save_form(
        form,
        lambda: services.replace_attachment(attachment, form.file.prepared[0], by=current_user),
        render=lambda **extra: render_template(
            "attachments/replace.html",
            form=form,
            attachment=attachment,
            back=kind.link(attachment.owner_id) if kind else None,
            size=human_size(attachment.size),
            **extra,
        ),
        saved=lambda new: f"{attachment.filename} replaced by {new.filename}",
        redirect_to=lambda _: kind.link(attachment.owner_id) if kind else "/",
        invalid_status=400,
    )
