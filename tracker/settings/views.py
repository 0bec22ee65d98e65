"""Administrator screens for settings and the reference lists actions are tagged from."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.audit.queries import history_for
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.editing import save_form
from tracker.forms import EmptyForm
from tracker.policy import can_manage_settings
from tracker.security import permission_required
from tracker.settings import services
from tracker.settings.forms import TagForm, setting_form_for
from tracker.settings.models import Tag, TagList

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _tag_or_404(tag_id: int) -> Tag:
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        abort(404)
    return tag


def _tag_list_or_404(value: str) -> TagList:
    try:
        return TagList(value)
    except ValueError:
        abort(404)


def _list_url(tag_list: TagList) -> str:
    return url_for("settings.index", _anchor=f"list-{tag_list.value}")


def _back_to_list(tag_list: TagList):
    return redirect(_list_url(tag_list))


@bp.route("/")
@permission_required(can_manage_settings)
def index():
    values = services.all_settings()
    settings = []
    for key, definition in services.DEFINITIONS.items():
        value = values[key]
        shown = dict(definition.choices).get(value, value) if definition.choices else value
        settings.append((definition, str(shown)))
    return render_template(
        "settings/index.html",
        settings=settings,
        tag_lists=services.tags_by_list(),
        usage=services.tag_usage_counts(),
    )


@bp.route("/<key>", methods=["GET", "POST"])
@permission_required(can_manage_settings)
def edit_setting(key: str):
    definition = services.DEFINITIONS.get(key)
    if definition is None:
        abort(404)
    form = setting_form_for(definition)
    if request.method == "GET":
        form.show(services.get_setting(key))
    if form.validate_on_submit():
        services.set_setting(key, form.value_for_model(), by=current_user)
        db.session.commit()
        flash("Setting saved", "success")
        return redirect(url_for("settings.index"))
    return render_template("settings/edit_setting.html", form=form, definition=definition)


@bp.route("/lists/<tag_list>/new", methods=["GET", "POST"])
@permission_required(can_manage_settings)
def new_tag(tag_list: str):
    chosen = _tag_list_or_404(tag_list)
    form = TagForm()
    return save_form(
        form,
        lambda: services.add_tag(chosen, form.name.data, by=current_user),
        render=lambda **extra: render_template(
            "settings/tag_form.html", form=form, tag_list=chosen, tag=None, **extra
        ),
        saved=lambda tag: f"“{tag.name}” added to {chosen.label}",
        redirect_to=lambda _: _list_url(chosen),
        errors_on={services.DuplicateTagError: "name"},
    )


@bp.route("/tags/<int:tag_id>/edit", methods=["GET", "POST"])
@permission_required(can_manage_settings)
def edit_tag(tag_id: int):
    tag = _tag_or_404(tag_id)
    form = TagForm(obj=tag)

    def render(**extra):
        history = history_for(AuditEntity.TAG, tag.id)
        return render_template(
            "settings/tag_form.html",
            form=form,
            tag_list=tag.tag_list,
            tag=tag,
            history=history,
            **extra,
        )

    return save_form(
        form,
        lambda: services.rename_tag(tag, form.name.data, by=current_user),
        render=render,
        saved=lambda _: f"Renamed to “{tag.name}”",
        redirect_to=lambda _: _list_url(tag.tag_list),
        errors_on={services.DuplicateTagError: "name"},
    )


@bp.route("/tags/<int:tag_id>/retire", methods=["POST"])
@permission_required(can_manage_settings)
def retire_tag(tag_id: int):
    return _set_tag_active(tag_id, active=False)


@bp.route("/tags/<int:tag_id>/restore", methods=["POST"])
@permission_required(can_manage_settings)
def restore_tag(tag_id: int):
    return _set_tag_active(tag_id, active=True)


def _set_tag_active(tag_id: int, *, active: bool):
    tag = _tag_or_404(tag_id)
    if EmptyForm().validate_on_submit():
        services.set_tag_active(tag, active, by=current_user)
        db.session.commit()
        if active:
            flash(f"“{tag.name}” restored: it can be chosen for actions again", "success")
        else:
            flash(f"“{tag.name}” retired: actions keep it, but it is no longer offered", "success")
    return _back_to_list(tag.tag_list)
