"""User administration: invite, edit, deactivate and reactivate users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.audit.queries import history_for
from tracker.audit.vocabulary import AuditEntity
from tracker.auth import services
from tracker.auth.forms import UserForm
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.editing import save_form
from tracker.errors import RuleError
from tracker.forms import EmptyForm
from tracker.policy import can_change_user, can_manage_users
from tracker.reminders import sender as outbox
from tracker.security import permission_required

bp = Blueprint("users", __name__, url_prefix="/admin/users")

DUPLICATE_EMAIL = "A user with this email address already exists"


def get_user_or_404(user_id: int, *, need: str = "view") -> User:
    """The user, 404 when missing, 403 when it may not be changed by the current user."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if need == "change" and not can_change_user(current_user, user):
        abort(403)
    return user


@bp.route("/")
@permission_required(can_manage_users)
def index():
    organisation = request.args.get("organisation", "")
    query = select(User).order_by(User.active.desc(), User.name)
    if organisation in {o.value for o in Organisation}:
        query = query.where(User.organisation == Organisation(organisation))
    users = db.session.scalars(query).all()
    return render_template(
        "users/index.html", users=users, organisation=organisation, organisations=list(Organisation)
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(can_manage_users)
def invite():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.invite_user(
                by=current_user, name=form.name.data, email=form.email.data, role=form.role_value()
            )
        except services.DuplicateEmailError:
            form.email.errors.append(DUPLICATE_EMAIL)
        else:
            db.session.commit()
            _send_invitation(user)
            return redirect(url_for("users.show", user_id=user.id))
    return render_template("users/invite.html", form=form)


def _send_invitation(user: User) -> None:
    """Queue the invitation, commit, and try to send it now; the outbox retries it."""
    message_id = services.queue_invitation(user)
    db.session.commit()
    if outbox.send_now(message_id).sent:
        flash(f"Invitation sent to {user.email}", "success")
    else:
        flash(
            f"{user.name} was added, but the mail server could not take the invitation "
            "yet. It stays in the Outbox and is tried again automatically.",
            "warning",
        )


@bp.route("/<int:user_id>")
@permission_required(can_manage_users)
def show(user_id: int):
    user = get_user_or_404(user_id)
    history = history_for(AuditEntity.USER, user.id)
    return render_template("users/show.html", user=user, history=history, action_form=EmptyForm())


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(can_manage_users)
def edit(user_id: int):
    user = get_user_or_404(user_id, need="change")
    form = UserForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
        form.version.data = str(user.version)

    def save() -> None:
        try:
            services.update_user(
                by=current_user,
                user=user,
                name=form.name.data,
                email=form.email.data,
                role=form.role_value(),
                expected_version=form.version_number(),
            )
        except services.DuplicateEmailError as error:
            raise RuleError(DUPLICATE_EMAIL, field="email") from error

    return save_form(
        form,
        save,
        render=lambda **extra: render_template("users/edit.html", form=form, user=user, **extra),
        saved=lambda _: f"Details for {user.name} saved",
        redirect_to=lambda _: url_for("users.show", user_id=user.id),
        record=user,
    )


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@permission_required(can_manage_users)
def deactivate(user_id: int):
    return _set_active(user_id, active=False)


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@permission_required(can_manage_users)
def reactivate(user_id: int):
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool):
    user = get_user_or_404(user_id, need="change")
    if EmptyForm().validate_on_submit():
        services.set_active(by=current_user, user=user, active=active)
        db.session.commit()
        flash(f"{user.name} has been {'reactivated' if active else 'deactivated'}", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/<int:user_id>/resend-invitation", methods=["POST"])
@permission_required(can_manage_users)
def resend_invitation(user_id: int):
    user = get_user_or_404(user_id, need="change")
    if EmptyForm().validate_on_submit() and user.active and not user.has_password:
        _send_invitation(user)
    return redirect(url_for("users.show", user_id=user.id))
