"""The one way a source's edit form is saved: validate, save, or explain a conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template
from flask_login import current_user

from tracker.db import db
from tracker.errors import ConflictError
from tracker.sources import services


def save_edit(
    source: Any,
    form: Any,
    *,
    template: str,
    context: dict[str, Any],
    saved: str,
    next_url: Callable[[], str],
    fields: Callable[[], dict[str, Any]] | None = None,
) -> Any:
    """Handle a versioned edit form for `source`.

    Valid and current: save, commit, flash `saved`, redirect. Stale: re-render with the
    user's input, a message naming what changed, and HTTP 409; saving again is then a
    deliberate choice. Otherwise render the form (with its errors, if any).
    """
    if form.validate_on_submit():
        try:
            services.edit_source(
                source,
                (fields or form.fields_for_model)(),
                by=current_user,
                expected_version=form.version_number(),
            )
        except ConflictError as conflict:
            db.session.rollback()
            form.version.data = str(source.version)
            return render_template(template, form=form, conflict=str(conflict), **context), 409
        db.session.commit()
        flash(saved, "success")
        return redirect(next_url())
    return render_template(template, form=form, **context)
