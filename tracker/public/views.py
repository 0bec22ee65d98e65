"""The public pages: what the office has published, for anyone, without signing in.

Every page selects through tracker.publication.queries (published rows only) and shows
only fields meant for the public: never who asked a public question, lines of enquiry,
attendees, leads, internal notes or actions.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.calendar.queries import timetable_entries
from tracker.clock import today
from tracker.db import db
from tracker.mail import absolute_url
from tracker.public.feed import render_feed
from tracker.publication import providers, queries
from tracker.security import public
from tracker.sources.models import Meeting

bp = Blueprint("public", __name__, url_prefix="/public")

# Public pages change rarely; browsers and shared caches may keep them a few minutes.
PUBLIC_MAX_AGE_SECONDS = 300
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# How many publications the index and the feed show.
LATEST_COUNT = 10
FEED_COUNT = 50


@bp.after_request
def _cache_for_the_public(response: Response) -> Response:
    """Anonymous visitors get a cacheable page; a signed-in visitor's response may carry
    their refreshed session cookie, so it is never stored (security sets no-store)."""
    if not current_user.is_authenticated and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
    response.vary.add("Cookie")
    return response


@bp.route("/")
@public
def index():
    return render_template("public/index.html", latest=providers.published()[:LATEST_COUNT])


@bp.route("/meetings")
@public
def meetings():
    rows = db.session.scalars(queries.public_meetings()).all()
    return render_template("public/meetings.html", meetings=rows)


@bp.route("/meetings/<int:meeting_id>")
@public
def meeting(meeting_id: int):
    found = db.session.scalar(queries.public_meetings().where(Meeting.id == meeting_id))
    if found is None:
        abort(404)
    outcome_public = db.session.scalar(
        select(queries.outcome_is_public()).where(Meeting.id == meeting_id)
    )
    questions = db.session.scalars(queries.public_questions([found.id])).all()
    return render_template(
        "public/meeting.html",
        meeting=found,
        outcome_public=bool(outcome_public),
        questions=questions,
    )


@bp.route("/panel-recommendations")
@public
def panel():
    items = db.session.scalars(queries.public_responses()).all()
    return render_template("public/panel.html", items=items)


@bp.route("/s55-responses")
@public
def s55():
    responses = db.session.scalars(queries.public_s55_responses()).all()
    return render_template("public/s55.html", responses=responses)


@bp.route("/publications")
@public
def publications():
    records = db.session.scalars(queries.public_records()).all()
    return render_template("public/publications.html", records=records)


@bp.route("/timetable")
@public
def timetable():
    return render_template(
        "public/timetable.html",
        entries=timetable_entries(today=today()),
        ics_url=url_for("calendar.timetable"),
    )


@bp.route("/feed.atom")
@public
def feed():
    self_url = absolute_url(url_for("public.feed"))
    body = render_feed(
        providers.published()[:FEED_COUNT],
        title=f"{current_app.config['OPCC_NAME']}: publications",
        feed_id=self_url,
        self_url=self_url,
        page_url=absolute_url(url_for("public.index")),
        author=current_app.config["OPCC_NAME"],
        base_url=current_app.config["SERVER_BASE_URL"],
    )
    return Response(body, content_type=ATOM_TYPE)
