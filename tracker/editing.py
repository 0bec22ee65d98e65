"""The one way a form that changes a record is saved: validate, save, or explain why not.

Every create and versioned edit form (sources, ad-hoc responses, HMICFRS findings,
actions and their updates, users) goes through `save_form`, so a stale save, a rule the
domain refuses and a successful save look and behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from tracker.db import db
from tracker.errors import ConflictError, RuleError


def show_rule_error(form: FlaskForm, error: Exception, *, field: str | None = None) -> None:
    """Put a refused change's message on its field, or on the form as a whole.

    The error's own `.field` wins when it names one of the form's fields; otherwise
    `field` (the view's choice for errors that name none), otherwise a form-level error.
    """
    message = getattr(error, "message", None) or str(error)
    for name in (getattr(error, "field", None), field):
        if name and name in form._fields:
            form[name].errors = [*form[name].errors, message]
            return
    form.form_errors.append(message)


def save_form(
    form: FlaskForm,
    save: Callable[[], Any],
    *,
    render: Callable[..., Any],
    saved: str | Callable[[Any], str] | None,
    redirect_to: Callable[[Any], str],
    record: Any = None,
    invalid_status: int = 200,
    rule_status: int | None = None,
    errors_on: Mapping[type[Exception], str] | None = None,
) -> ResponseReturnValue:
    """Handle one submission of `form` whose `save()` calls a service.

    Not submitted, or invalid: `render()` (with `invalid_status` after a POST). Valid:
    `save()`; on success commit once, flash `saved` (if any) and redirect. Someone else saved
    `record` first (ConflictError): roll back, keep the user's input, move the form to the
    current version and re-render with the message and 409, so saving again is a
    deliberate choice. A rule refused the change (RuleError, or a type in `errors_on`
    mapped to the field it belongs to): roll back and re-render with the message on its
    field and `rule_status` (default: `invalid_status`).
    """
    errors_on = dict(errors_on or {})
    if not form.validate_on_submit():
        return render(), invalid_status if request.method == "POST" else 200
    try:
        result = save()
    except ConflictError as conflict:
        db.session.rollback()
        if record is not None:
            form.version.data = str(record.version)
        return render(conflict=str(conflict)), 409
    except (RuleError, *errors_on) as error:
        db.session.rollback()
        mapped = next((f for kind, f in errors_on.items() if isinstance(error, kind)), None)
        show_rule_error(form, error, field=mapped)
        return render(), invalid_status if rule_status is None else rule_status
    db.session.commit()
    if saved is not None:
        flash(saved(result) if callable(saved) else saved, "success")
    return redirect(redirect_to(result))
