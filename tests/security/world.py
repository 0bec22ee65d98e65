"""A small "world" with one record of each kind, and one signed-in client per identity.

The security tests fill every URL parameter from it, so each endpoint can be requested
as anonymous, as each role and as a deactivated user. Distinctive titles let a test
assert that a page never shows a record the reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tests.factories import (
    london_today,
    make_action,
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import ActionUpdate, ExtensionRequest, Marking
from tracker.attachments.models import Attachment, AttachmentContent
from tracker.audit.services import record
from tracker.auth.models import ROLE_ORGANISATION, Role, User
from tracker.auth.passwords import hash_password
from tracker.auth.services import make_password_token
from tracker.calendar.services import feed_secret, reset_feed
from tracker.db import db
from tracker.imports.models import ImportBatch
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.publication.models import PublicationKind, PublicationRecord
from tracker.reminders.models import OutboxMessage, OutboxStatus
from tracker.reports.models import ReportJob, ReportJobStatus
from tracker.settings.models import Tag, TagList
from tracker.sources.models import FindingKind, PanelMeeting, WorkProgrammeItem
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

# The identities every endpoint is tried as, in the order the matrix lists them.
IDENTITIES = ("anonymous", "admin", "opcc_officer", "force_liaison", "panel_clerk", "deactivated")
ROLE_OF = {
    "admin": Role.ADMIN,
    "opcc_officer": Role.OPCC_OFFICER,
    "force_liaison": Role.FORCE_LIAISON,
    "panel_clerk": Role.PANEL_CLERK,
    # Signed in as an administrator, then deactivated: must lose every right at once.
    "deactivated": Role.ADMIN,
}

# Distinctive text, so a page or file can be searched for what it must never contain.
RESTRICTED_TITLE = "Restricted action Quillfeather"
RESTRICTED_NOTE = "Internal note Marrowbone"
NORMAL_TITLE = "Shared action Brightwater"
UNPUBLISHED_PANEL_TEXT = "Unpublished Panel question Tamberlane"
UNPUBLISHED_PANEL_ACTION = "Unpublished Panel action Ostrava"
PUBLISHED_PANEL_TEXT = "Published Panel question Lindqvist"
PUBLISHED_PANEL_ACTION = "Published Panel action Hollowmere"
INTERNAL_UPDATE_TEXT = "OPCC-only update Cardamom"
UNPUBLISHED_MEETING_TITLE = "Unpublished meeting Vellichor"
UNPUBLISHED_MEETING_ACTION = "Unpublished meeting action Petrichor"
INTERNAL_FILE_NAME = "Internal briefing Tansy.pdf"
RESTRICTED_FILE_NAME = "Restricted evidence Yarrow.pdf"


@dataclass
class World:
    """Ids of the records, the users and their signed-in clients."""

    users: dict[str, User]
    subject: User  # an invited user the administrator screens act on
    ids: dict[str, int]
    tokens: dict[str, str]
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)

    def client(self, identity: str) -> FlaskClient:
        return self.clients[identity]


def _user(role: Role, name: str, email: str, *, password: str | None = DEFAULT_PASSWORD) -> User:
    user = User(
        name=name,
        email=email,
        role=role,
        organisation=ROLE_ORGANISATION[role],
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    return user


def _detached(app: Flask, model: type, record_id: int) -> Any:
    with app.app_context():
        obj = db.session.get(model, record_id)
        db.session.expunge(obj)
        return obj


def _attachment(update: ActionUpdate, filename: str, uploaded_by_id: int) -> Attachment:
    content = b"%PDF-1.7\n" + filename.encode() + b"\n%%EOF\n"
    attachment = Attachment(
        owner_kind="action_update",
        owner_id=update.id,
        filename=filename,
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        uploaded_by_id=uploaded_by_id,
        content=AttachmentContent(data=content),
    )
    db.session.add(attachment)
    return attachment


def _save_panel_business(app: Flask) -> tuple[int, int]:
    """A Panel meeting and a work programme topic planned for it: (meeting id, topic id)."""
    with app.app_context():
        meeting = PanelMeeting(held_on=date(2023, 9, 28), title="Panel meeting Hawthorn")
        db.session.add(meeting)
        db.session.flush()
        topic = WorkProgrammeItem(topic="Topic Rowan", panel_meeting_id=meeting.id)
        db.session.add(topic)
        db.session.commit()
        return meeting.id, topic.id


def build_world(app: Flask) -> World:
    """Create the records and sign every identity in (deactivating the last one)."""
    with app.app_context():
        users = {
            identity: _user(
                role, f"{identity.replace('_', ' ').title()} Person", f"{identity}@x.org"
            )
            for identity, role in ROLE_OF.items()
        }
        subject = _user(Role.FORCE_LIAISON, "Invited Person", "invited@x.org", password=None)
        db.session.commit()
        user_ids = {k: u.id for k, u in users.items()}
        subject_id = subject.id
    users = {k: _detached(app, User, v) for k, v in user_ids.items()}
    subject = _detached(app, User, subject_id)
    liaison, officer = users["force_liaison"], users["opcc_officer"]

    meeting = make_meeting(app, title="Performance meeting Arbour", published=True)
    # The matters-arising report for the later meeting lists the earlier one's actions.
    later_meeting = make_meeting(
        app, title="Performance meeting Birchfield", held_on=date(2023, 9, 4)
    )
    hidden_meeting = make_meeting(app, title=UNPUBLISHED_MEETING_TITLE, published=False)
    adhoc = make_adhoc_request(app, subject="Ad-hoc request Juniper")
    published_item = make_panel_item(app, text=PUBLISHED_PANEL_TEXT, published=True)
    unpublished_item = make_panel_item(app, text=UNPUBLISHED_PANEL_TEXT, published=False)
    report = make_report(app, title="PEEL inspection Larkspur")
    panel_meeting = _save_panel_business(app)
    cause = make_finding(app, report, kind=FindingKind.CAUSE_OF_CONCERN, text="Cause Ashgrove")
    finding = make_finding(app, report, parent_id=cause.id, text="Recommendation Birchwood")

    normal = make_action(app, meeting, liaison, title=NORMAL_TITLE)
    restricted = make_action(
        app,
        meeting,
        liaison,
        title=RESTRICTED_TITLE,
        opcc_only=True,
        opcc_note=RESTRICTED_NOTE,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    adhoc_action = make_action(app, adhoc, liaison, title="Ad-hoc action Cedarline")
    panel_action = make_action(app, published_item, liaison, title=PUBLISHED_PANEL_ACTION)
    hidden_panel_action = make_action(
        app, unpublished_item, liaison, title=UNPUBLISHED_PANEL_ACTION
    )
    hidden_meeting_action = make_action(
        app, hidden_meeting, liaison, title=UNPUBLISHED_MEETING_ACTION
    )
    finding_action = make_action(app, finding, liaison, title="HMICFRS action Sorrel")
    # A force action at the later meeting, so the force may open its matters-arising report.
    make_action(app, later_meeting, liaison, title="Later meeting action Wrenfield")

    with app.app_context():
        update = ActionUpdate(action_id=normal.id, author_id=liaison.id, text="Progress Emberly")
        internal = ActionUpdate(
            action_id=normal.id, author_id=officer.id, text=INTERNAL_UPDATE_TEXT, opcc_only=True
        )
        restricted_update = ActionUpdate(
            action_id=restricted.id, author_id=officer.id, text="Restricted update Nightjar"
        )
        extension = ExtensionRequest(
            action_id=normal.id,
            requested_by_id=liaison.id,
            current_due_on=normal.due_on,
            proposed_due_on=normal.due_on + timedelta(days=30),
            reason="Waiting for the new system Foxglove",
        )
        restricted_extension = ExtensionRequest(
            action_id=restricted.id,
            requested_by_id=officer.id,
            current_due_on=restricted.due_on,
            proposed_due_on=restricted.due_on + timedelta(days=30),
            reason="Restricted extension Wolfsbane",
        )
        message = OutboxMessage(
            run_on=london_today(),
            recipient_id=officer.id,
            to_address=officer.email,
            subject=f"Reminder about {RESTRICTED_TITLE}",
            text_body=f"{RESTRICTED_TITLE} is due",
            html_body=f"<p>{RESTRICTED_TITLE} is due</p>",
            marking=Marking.OFFICIAL_SENSITIVE,
            status=OutboxStatus.FAILED,
            attempts=3,
            last_error="connection refused",
        )
        tag = Tag(tag_list=TagList.PLAN_OBJECTIVE, name="Tag Meadowsweet")
        batch = ImportBatch(
            created_by_id=officer.id,
            target="actions",
            options={"source_type": "meeting", "source_id": meeting.id, "existing": "skip"},
            filename="actions.csv",
            content=b"Reference,Title,Owner,Due date\r\nIMP-1,Imported,Someone,2030-01-31\r\n",
        )
        # A finished report of the deactivated user's: only whoever asked may see a job,
        # so every active identity must be refused it.
        job = ReportJob(
            requested_by_id=user_ids["deactivated"],
            kind="panel",
            title="Police and Crime Panel follow-up report",
            status=ReportJobStatus.READY,
            filename="panel-follow-up.pdf",
            output=b"%PDF-1.7 not really a report",
        )
        db.session.add_all([update, internal, restricted_update, extension])
        db.session.add_all([restricted_extension, message, tag, batch, job])
        precept = PreceptYear(financial_year=2024, proposal_notified_on=date(2024, 1, 30))
        appointment = ChiefConstableAppointment(
            candidate_name="Candidate Thistledown", notified_on=date(2024, 3, 4)
        )
        annual_report = AnnualReportReview(financial_year=2022, sent_on=date(2023, 6, 1))
        publication = PublicationRecord(
            kind=PublicationKind.DECISION, title="Decision Larkspur", due_on=date(2024, 5, 1)
        )
        db.session.add_all([precept, appointment, annual_report, publication])
        db.session.flush()
        attachment = _attachment(update, "Progress evidence Emberly.pdf", liaison.id)
        internal_attachment = _attachment(internal, INTERNAL_FILE_NAME, officer.id)
        restricted_attachment = _attachment(restricted_update, RESTRICTED_FILE_NAME, officer.id)
        line = LineOfEnquiry(meeting_id=meeting.id, question="Line of enquiry Quillwort")
        public_question = PublicQuestion(
            meeting_id=meeting.id, question="Public question Saltmarsh", published=True
        )
        brought = BroughtAction(meeting_id=meeting.id, action_id=normal.id)
        db.session.add_all([line, public_question, brought])
        record(
            actor=db.session.get(User, officer.id),
            entity_type="action",
            entity_id=restricted.id,
            action="updated",
            summary=RESTRICTED_TITLE,
            changes={"title": ["Old restricted title", RESTRICTED_TITLE]},
        )
        db.session.commit()
        ids = {
            "meeting": meeting.id,
            "meeting_kind": meeting.kind_id,
            "line": line.id,
            "public_question": public_question.id,
            "later_meeting": later_meeting.id,
            "hidden_meeting": hidden_meeting.id,
            "adhoc": adhoc.id,
            "published_item": published_item.id,
            "panel_meeting": panel_meeting[0],
            "topic": panel_meeting[1],
            "unpublished_item": unpublished_item.id,
            "report": report.id,
            "cause": cause.id,
            "finding": finding.id,
            "normal": normal.id,
            "restricted": restricted.id,
            "adhoc_action": adhoc_action.id,
            "panel_action": panel_action.id,
            "hidden_panel_action": hidden_panel_action.id,
            "hidden_meeting_action": hidden_meeting_action.id,
            "finding_action": finding_action.id,
            "update": update.id,
            "internal_update": internal.id,
            "restricted_update": restricted_update.id,
            "extension": extension.id,
            "restricted_extension": restricted_extension.id,
            "message": message.id,
            "tag": tag.id,
            "batch": batch.id,
            "job": job.id,
            "precept": precept.id,
            "appointment": appointment.id,
            "annual_report": annual_report.id,
            "publication": publication.id,
            "attachment": attachment.id,
            "internal_attachment": internal_attachment.id,
            "restricted_attachment": restricted_attachment.id,
        }
        with app.test_request_context():
            tokens = {
                "invite": make_password_token(db.session.get(User, subject_id), "invite"),
                "reset": make_password_token(
                    db.session.get(User, user_ids["panel_clerk"]), "reset"
                ),
                "calendar": feed_secret(
                    reset_feed(db.session.get(User, user_ids["force_liaison"]))
                ),
            }
            db.session.commit()
    world = World(users=users, subject=subject, ids=ids, tokens=tokens)
    sign_in_everyone(app, world)
    return world


def sign_in(client: FlaskClient, email: str) -> str:
    """Sign `client` in through the login form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert response.status_code == 302, f"sign-in failed for {email}"
    return csrf_token_from(client.get("/account/password").text)


def deactivate(app: Flask, user_id: int) -> None:
    """Deactivate a user directly, keeping their session token: the `active` flag alone
    must end their sessions."""
    with app.app_context():
        user = db.session.get(User, user_id)
        user.active = False
        db.session.commit()


def sign_in_everyone(app: Flask, world: World) -> None:
    """One client per identity; the deactivated user signs in first, then loses access."""
    anonymous = app.test_client()
    world.clients["anonymous"] = anonymous
    world.csrf["anonymous"] = csrf_token_from(anonymous.get("/login").text)
    for identity in IDENTITIES[1:]:
        client = app.test_client()
        world.csrf[identity] = sign_in(client, world.users[identity].email)
        world.clients[identity] = client
    deactivate(app, world.users["deactivated"].id)


def url_values(world: World) -> dict[str, Any]:
    """A value for every URL parameter name the application uses."""
    return {
        "action_id": world.ids["normal"],
        "update_id": world.ids["update"],
        "extension_id": world.ids["extension"],
        "source_type": "meeting",
        "source_id": world.ids["meeting"],
        "file_format": "csv",
        "request_id": world.ids["adhoc"],
        "report_id": world.ids["report"],
        "finding_id": world.ids["finding"],
        "meeting_id": world.ids["meeting"],
        "item_id": world.ids["published_item"],
        "message_id": world.ids["message"],
        "kind": "meetings",
        "key": "amber_days",
        "tag_id": world.ids["tag"],
        "tag_list": TagList.PLAN_OBJECTIVE.value,
        "user_id": world.subject.id,
        "batch_id": world.ids["batch"],
        "job_id": world.ids["job"],
        "attachment_id": world.ids["attachment"],
        "target": "actions",
        "precept_id": world.ids["precept"],
        "appointment_id": world.ids["appointment"],
        "review_id": world.ids["annual_report"],
        "publication_id": world.ids["publication"],
        "kind_id": world.ids["meeting_kind"],
        "line_id": world.ids["line"],
        "question_id": world.ids["public_question"],
        "panel_meeting_id": world.ids["panel_meeting"],
        "topic_id": world.ids["topic"],
    }


# Parameters whose value depends on the endpoint, not only on the parameter's name.
ENDPOINT_VALUES: dict[str, dict[str, Any]] = {
    "auth.accept_invite": {"token": "invite"},
    "auth.reset_password": {"token": "reset"},
    "calendar.feed": {"token": "calendar"},
}


def values_for(world: World, endpoint: str, arguments: set[str]) -> tuple[dict[str, Any], set]:
    """URL values for `endpoint`, and the names of any parameters the world cannot fill."""
    known = url_values(world)
    values: dict[str, Any] = {}
    missing = set()
    for name in arguments:
        special = ENDPOINT_VALUES.get(endpoint, {})
        if name in special:
            values[name] = world.tokens[special[name]] if name == "token" else special[name]
        elif name in known:
            values[name] = known[name]
        else:
            missing.add(name)
    return values, missing
