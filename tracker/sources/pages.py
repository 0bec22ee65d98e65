"""The new, show and edit pages every source blueprint shares.

A blueprint subclasses `SourcePages`, declares what differs (model, form, names,
messages, extra context) and calls `register(bp)`; loading, permission checks, the edit
flow and the endpoint names (`<bp>.new`, `<bp>.show`, `<bp>.edit`) are the same for all.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from tracker.editing import save_form
from tracker.loaders import get_source_or_404
from tracker.policy import can_change_source, can_view_lists
from tracker.security import permission_required
from tracker.sources import services


class SourcePages:
    """New/show/edit request handlers for one kind of source."""

    model: ClassVar[type]
    form_class: ClassVar[type]
    # The template folder under templates/sources/, the name the templates use for the
    # record, and the URL argument carrying its id.
    folder: ClassVar[str]
    name: ClassVar[str]
    id_arg: ClassVar[str]
    saved_message: ClassVar[str]
    # A form field whose enum value must be set by hand when editing (WTForms cannot).
    enum_field: ClassVar[str | None] = None
    rule_field: ClassVar[str | None] = None

    def created_message(self, source: Any) -> str:
        """The flash message after recording a new source."""
        raise NotImplementedError

    def show_context(self, source: Any) -> dict[str, Any]:
        """What the show page needs besides the source itself."""
        return {}

    def make_form(self, source: Any | None) -> Any:
        """The form, filled from `source` when editing."""
        form = self.form_class(obj=source)
        if source is not None and request.method == "GET":
            if self.enum_field:
                form[self.enum_field].data = getattr(source, self.enum_field).value
            form.version.data = str(source.version)
        return form

    def fields(self, form: Any) -> dict[str, Any]:
        """The model fields to save (may raise a RuleError naming a form field)."""
        return form.fields_for_model()

    def new_fields(self, form: Any) -> dict[str, Any]:
        """The fields of a new record (the edit fields unless a source adds more)."""
        return self.fields(form)

    # Request handlers ---------------------------------------------------------------

    def url(self, source: Any) -> str:
        """The source's own page."""
        return url_for(f"{request.blueprint}.show", **{self.id_arg: source.id})

    def _render_form(self, form: Any, source: Any | None, **extra: Any) -> str:
        return render_template(
            f"sources/{self.folder}/form.html", form=form, **{self.name: source}, **extra
        )

    def new(self):
        form = self.make_form(None)
        return save_form(
            form,
            lambda: services.create_source(self.model, self.new_fields(form), by=current_user),
            render=lambda **extra: self._render_form(form, None, **extra),
            saved=self.created_message,
            redirect_to=self.url,
            errors_on=self._errors_on(),
        )

    def show(self, **kwargs: int):
        source = get_source_or_404(self.model, kwargs[self.id_arg])
        return render_template(
            f"sources/{self.folder}/show.html",
            **{self.name: source},
            **self.show_context(source),
        )

    def edit(self, **kwargs: int):
        source = get_source_or_404(self.model, kwargs[self.id_arg], need="edit")
        form = self.make_form(source)
        return save_form(
            form,
            lambda: services.edit_source(
                source,
                self.fields(form),
                by=current_user,
                expected_version=form.version_number(),
            ),
            render=lambda **extra: self._render_form(form, source, **extra),
            saved=self.saved_message,
            redirect_to=lambda _: self.url(source),
            record=source,
            errors_on=self._errors_on(),
        )

    def _errors_on(self) -> dict[type[Exception], str]:
        return {services.SourceRuleError: self.rule_field} if self.rule_field else {}

    def may_change(self, user: Any) -> bool:
        """The user may record and change this kind of source (policy.can_change_source)."""
        return can_change_source(user, self.model)

    def register(self, bp: Blueprint) -> None:
        """Add the new, show and edit routes to `bp`."""
        arg = f"<int:{self.id_arg}>"
        bp.add_url_rule(
            "/new",
            "new",
            permission_required(self.may_change)(self.new),
            methods=["GET", "POST"],
        )
        bp.add_url_rule(f"/{arg}", "show", permission_required(can_view_lists)(self.show))
        bp.add_url_rule(
            f"/{arg}/edit",
            "edit",
            permission_required(self.may_change)(self.edit),
            methods=["GET", "POST"],
        )
