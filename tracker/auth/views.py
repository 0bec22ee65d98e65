"""Sign in, sign out, password reset, invitations and the user's own account."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from tracker.auth import services
from tracker.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    user_inputs_for,
)
from tracker.db import db
from tracker.forms import EmptyForm
from tracker.reminders import sender as outbox
from tracker.security import (
    client_address,
    public,
    redirect_next,
    session_idle_seconds,
    start_session,
)

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
THROTTLED = (
    "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password."
)
RESET_THROTTLED = "Too many password reset requests. Wait 15 minutes and try again."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(
            form.email.data, form.password.data, ip_address=client_address()
        )
        db.session.commit()  # the attempt is recorded whatever the outcome
        if result.user is not None:
            start_session(result.user)
            return redirect_next("main.home")
        form.email.errors.append(THROTTLED if result.throttled else SIGN_IN_FAILED)
        status = 429 if result.throttled else 200
        return render_template("auth/login.html", form=form), status
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        # A new session token: a copy of this cookie (or any other) no longer signs in.
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out", "success")
    return redirect(url_for("auth.login"))


@bp.route("/session/keep-alive", methods=["POST"])
@login_required
def keep_alive():
    """Extend the session from the "you will be signed out soon" warning.

    Any signed-in request renews the session cookie (SESSION_REFRESH_EACH_REQUEST);
    this one does nothing else. It is a POST so the CSRF check proves the page asked.
    """
    return jsonify(idle_seconds=session_idle_seconds())


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        result = services.request_password_reset(form.email.data, ip_address=client_address())
        db.session.commit()
        if result.throttled:
            form.email.errors.append(RESET_THROTTLED)
            return render_template("auth/forgot_password.html", form=form), 429
        outbox.send_after_response(result.outbox_id)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


def _choose_password(token: str, purpose: str, template: str):
    try:
        user = services.user_for_password_token(token, purpose)
    except services.PasswordLinkError as problem:
        return render_template("auth/link_problem.html", message=str(problem), purpose=purpose), 400
    form = NewPasswordForm(user_inputs=user_inputs_for(user))
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        logout_user()
        session.clear()
        flash("Your password has been saved. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _choose_password(token, "reset", "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invite(token: str):
    return _choose_password(token, "invite", "auth/accept_invite.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(user_inputs=user_inputs_for(current_user))
    if form.validate_on_submit():
        result = services.change_own_password(
            current_user._get_current_object(),
            current=form.current.data,
            new=form.password.data,
            ip_address=client_address(),
        )
        db.session.commit()  # the check is recorded whatever the outcome
        if result.user is not None:
            # The session token changed: sign this session in again, others end.
            start_session(result.user)
            flash("Your password has been changed. Other sessions have been signed out.", "success")
            return redirect(url_for("main.home"))
        if result.throttled:
            form.current.errors.append(THROTTLED)
            return render_template("auth/change_password.html", form=form), 429
        form.current.errors.append("Your current password is not correct")
    return render_template("auth/change_password.html", form=form)
