"""Calendar screens and feeds: the account page, the private feed, the public timetable."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker import policy
from tracker.calendar import services
from tracker.calendar.ics import render_calendar
from tracker.calendar.queries import deadline_entries, timetable_entries
from tracker.clock import local_zone, today
from tracker.db import db
from tracker.forms import EmptyForm
from tracker.mail import absolute_url
from tracker.security import permission_required, public

bp = Blueprint("calendar", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"
# The public timetable changes rarely; proxies and browsers may keep it a few minutes.
PUBLIC_MAX_AGE_SECONDS = 300


@bp.route("/account/calendar")
@permission_required(policy.is_signed_in)
def account():
    feed = services.feed_for(current_user)
    feed_url = None
    if feed is not None:
        feed_url = absolute_url(url_for("calendar.feed", token=services.feed_secret(feed)))
    response = current_app.make_response(
        render_template(
            "calendar/account.html",
            feed=feed,
            feed_url=feed_url,
            timetable_url=absolute_url(url_for("calendar.timetable")),
            form=EmptyForm(),
        )
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/account/calendar/reset", methods=["POST"])
@permission_required(policy.is_signed_in)
def reset():
    if EmptyForm().validate_on_submit():
        had_feed = services.feed_for(current_user) is not None
        services.reset_feed(current_user._get_current_object())
        db.session.commit()
        if had_feed:
            flash("Your calendar has a new address. The old address no longer works.", "success")
        else:
            flash("Your calendar address is ready", "success")
    return redirect(url_for("calendar.account"))


@bp.route("/calendar/feed/<token>.ics")
@public
def feed(token: str):
    """A user's deadlines, opened by the secret in the address (no session needed). The
    URL part is named `token` so the request log redacts it like a password link's."""
    user = services.user_for_secret(token)
    if user is None:
        abort(404)
    body = render_calendar(
        deadline_entries(user, today=today()),
        name=f"{current_app.config['SERVICE_NAME']}: {user.name}",
        product=current_app.config["SERVICE_NAME"],
        uid_domain=current_app.config["CALENDAR_UID_DOMAIN"],
        zone=local_zone(),
        private=True,
    )
    response = Response(body, content_type=ICS_TYPE)
    response.headers["Cache-Control"] = "private, no-cache"
    # The secret is in the address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/calendar/timetable.ics")
@public
def timetable():
    """The A&A timetable: published meetings only, for anyone."""
    body = render_calendar(
        timetable_entries(today=today()),
        name=f"{current_app.config['OPCC_NAME']}: A&A meetings",
        product=current_app.config["SERVICE_NAME"],
        uid_domain=current_app.config["CALENDAR_UID_DOMAIN"],
        zone=local_zone(),
        private=False,
    )
    response = Response(body, content_type=ICS_TYPE)
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
    # A signed-in visitor's response may refresh their session cookie: a shared cache
    # must not hand that to anyone else.
    response.vary.add("Cookie")
    return response
