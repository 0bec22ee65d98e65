"""The shared save-form flow: invalid, stale, refused and successful submissions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import DataRequired

from tracker.db import db
from tracker.editing import save_form
from tracker.errors import ConflictError, RuleError
from tracker.forms import VersionedForm
from tracker.settings.models import Tag, TagList


class NoteForm(VersionedForm):
    note = StringField(validators=[DataRequired()])


def _add_tag() -> None:
    """A change the save makes before it fails, so a rollback can be seen."""
    db.session.add(Tag(tag_list=TagList.PLAN_OBJECTIVE, name="Unsaved"))
    db.session.flush()


def _tags() -> int:
    return db.session.scalar(select(func.count(Tag.id)))


@pytest.fixture
def submit(app):
    """Post `data` through save_form with `save`; returns (response, form, render kwargs)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def _submit(data, save, **options):
        rendered: dict = {}
        with app.test_request_context("/", method="POST", data=data):
            form = NoteForm()

            def render(**extra):
                rendered.update(extra)
                return "the form"

            response = save_form(
                form,
                save,
                render=render,
                saved=options.pop("saved", "Saved"),
                redirect_to=lambda _: "/done",
                **options,
            )
            flashed = get_flashed_messages()
            tags = _tags()
        return SimpleNamespace(
            response=response, form=form, rendered=rendered, flashed=flashed, tags=tags
        )

    return _submit


def _never_called():
    raise AssertionError("an invalid form must not be saved")


def test_invalid_post_is_shown_again_with_the_invalid_status(submit):
    result = submit({"note": ""}, _never_called, invalid_status=400)
    assert result.response == ("the form", 400)
    assert result.form.note.errors


def test_success_commits_flashes_and_redirects(submit):
    result = submit({"note": "fine", "version": "1"}, _add_tag)
    assert result.response.status_code == 302
    assert result.response.location == "/done"
    assert result.flashed == ["Saved"]
    assert result.tags == 1


def test_success_message_can_name_the_saved_record(submit):
    result = submit({"note": "fine"}, lambda: "R-1", saved=lambda ref: f"{ref} saved")
    assert result.flashed == ["R-1 saved"]


def test_conflict_rolls_back_and_keeps_the_input_with_409(submit):
    record = SimpleNamespace(version=7)

    def stale():
        _add_tag()
        raise ConflictError("Priya changed the title")

    result = submit({"note": "mine", "version": "3"}, stale, record=record)
    assert result.response == ("the form", 409)
    assert result.rendered == {"conflict": "Priya changed the title"}
    assert result.form.note.data == "mine"
    assert result.form.version.data == "7"  # saving again is now a deliberate choice
    assert result.tags == 0
    assert result.flashed == []


def _refuse(field):
    def save():
        _add_tag()
        raise RuleError("Not allowed", field=field)

    return save


def test_rule_error_naming_a_field_goes_on_that_field(submit):
    result = submit({"note": "x"}, _refuse("note"), invalid_status=400)
    assert result.response == ("the form", 400)
    assert result.form.note.errors == ["Not allowed"]
    assert result.form.form_errors == []
    assert result.tags == 0


@pytest.mark.parametrize("field", [None, "no_such_field"])
def test_rule_error_without_a_form_field_is_a_form_level_error(submit, field):
    result = submit({"note": "x"}, _refuse(field))
    assert result.response == ("the form", 200)
    assert result.form.form_errors == ["Not allowed"]
    assert result.form.note.errors == []
    assert result.tags == 0


def test_rule_status_can_differ_from_the_invalid_status(submit):
    result = submit({"note": "x"}, _refuse("note"), rule_status=422)
    assert result.response == ("the form", 422)


def test_mapped_error_types_go_on_their_field(submit):
    def save():
        raise LookupError("Already taken")

    result = submit({"note": "x"}, save, errors_on={LookupError: "note"})
    assert result.response == ("the form", 200)
    assert result.form.note.errors == ["Already taken"]


def test_unmapped_errors_are_left_to_the_error_handlers(submit):
    def save():
        raise LookupError("boom")

    with pytest.raises(LookupError):
        submit({"note": "x"}, save)
