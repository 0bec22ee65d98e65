"""The publication register and the publication record pages (OPCC staff)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from tracker import policy
from tracker.clock import today
from tracker.db import db
from tracker.editing import save_form
from tracker.publication import services
from tracker.publication.forms import PublicationForm
from tracker.publication.models import PublicationRecord
from tracker.publication.providers import PublicationStatus, record_publication, register
from tracker.security import permission_required

bp = Blueprint("publication", __name__, url_prefix="/publication")


def get_publication_or_404(publication_id: int, *, need: str = "view") -> PublicationRecord:
    """Load a publication record: 404 when missing or not for the user, 403 when they may
    see it but not change it."""
    publication = db.session.get(PublicationRecord, publication_id)
    if publication is None or not policy.can_view_publication_register(current_user):
        abort(404)
    if need == "edit" and not policy.can_manage_publications(current_user):
        abort(403)
    return publication


@bp.route("/")
@permission_required(policy.can_view_publication_register)
def index():
    on = today()
    rows = register()
    counts = {status: 0 for status in PublicationStatus}
    for row in rows:
        counts[row.status(on)] += 1
    return render_template("publication/index.html", rows=rows, today=on, counts=counts)


@bp.route("/records/new", methods=["GET", "POST"])
@permission_required(policy.can_manage_publications)
def new():
    form = PublicationForm()
    if not form.is_submitted():
        form.public.data = True
    return save_form(
        form,
        lambda: services.create_publication(by=current_user, **form.values()),
        render=lambda **extra: render_template(
            "publication/form.html", form=form, publication=None, **extra
        ),
        saved=lambda publication: f"{publication.title} recorded",
        redirect_to=lambda publication: url_for("publication.show", publication_id=publication.id),
    )


@bp.route("/records/<int:publication_id>")
def show(publication_id: int):
    publication = get_publication_or_404(publication_id)
    return render_template(
        "publication/show.html",
        publication=publication,
        row=record_publication(publication),
        today=today(),
    )


@bp.route("/records/<int:publication_id>/edit", methods=["GET", "POST"])
def edit(publication_id: int):
    publication = get_publication_or_404(publication_id, need="edit")
    form = PublicationForm(obj=publication)
    return save_form(
        form,
        lambda: services.edit_publication(
            publication, by=current_user, expected_version=form.version_number(), **form.values()
        ),
        render=lambda **extra: render_template(
            "publication/form.html", form=form, publication=publication, **extra
        ),
        saved="Publication saved",
        redirect_to=lambda _: url_for("publication.show", publication_id=publication.id),
        record=publication,
    )
