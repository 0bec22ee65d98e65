"""Who may do what: the one permission table.

Every rule is a plain function of the user (and, where it matters, the record).
Views check them through `tracker.security.permission_required` or the loaders,
services check them again before changing anything, and templates call the same
functions (registered as template globals) only to hide what the server refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, false, literal, or_, select, true

from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ExtensionStatus,
    Marking,
    SourceType,
)
from tracker.actions.status import Side, transition_for
from tracker.attachments.definitions import owner_kind
from tracker.auth.models import Organisation, Role
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    PanelItem,
    PanelMatterState,
    PanelMeeting,
    ReportScope,
)

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

    from tracker.attachments.models import Attachment
    from tracker.auth.models import User
    from tracker.reports.models import ReportJob
    from tracker.s55.models import S55Response

    AnyUser = User | AnonymousUserMixin


def is_signed_in(user: AnyUser) -> bool:
    """An active user who has signed in."""
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def has_role(user: AnyUser, *roles: Role) -> bool:
    """The user is signed in and holds one of `roles`."""
    return is_signed_in(user) and user.role in roles  # type: ignore[union-attr]


def is_opcc(user: AnyUser) -> bool:
    """OPCC staff (officers and administrators)."""
    return is_signed_in(user) and user.organisation == Organisation.OPCC  # type: ignore[union-attr]


def can_manage_users(user: AnyUser) -> bool:
    """Invite users, change roles, deactivate and reactivate accounts."""
    return has_role(user, Role.ADMIN)


def can_view_service_health(user: AnyUser) -> bool:
    """See the detailed health of the service (scheduler, outbox, database)."""
    return has_role(user, Role.ADMIN)


def can_view_audit(user: AnyUser) -> bool:
    """Browse the audit trail of every record."""
    return has_role(user, Role.ADMIN, Role.OPCC_OFFICER)


def can_verify_audit(user: AnyUser) -> bool:
    """Check the audit trail's hash chain for tampering."""
    return has_role(user, Role.ADMIN)


def can_change_user(actor: AnyUser, target: User) -> bool:
    """Edit another user's role or status; nobody may lock themselves out."""
    return can_manage_users(actor) and actor.id != target.id  # type: ignore[union-attr]


def is_force(user: AnyUser) -> bool:
    """Force liaison officers."""
    return has_role(user, Role.FORCE_LIAISON)


def is_panel(user: AnyUser) -> bool:
    """Panel clerks."""
    return has_role(user, Role.PANEL_CLERK)


def can_manage_settings(user: AnyUser) -> bool:
    """Change reference lists and settings."""
    return has_role(user, Role.ADMIN)


# Actions: visibility ------------------------------------------------------------------
# The same rule twice: as Python for one loaded action, and as a SQL clause for lists,
# exports, reports and reminders. tests/policy/test_functions.py proves they agree.


def can_view_action(user: AnyUser, action: Action) -> bool:
    """OPCC: everything. Force: force-owned and unrestricted. Panel: what is published
    to it: OFFICIAL actions from published Panel items and meetings, and any other action
    the OPCC has published to the Panel (never OPCC-only ones)."""
    if is_opcc(user):
        return True  # decided before touching the action's source (no lazy load)
    return can_view_action_values(
        user,
        opcc_only=action.opcc_only,
        owning_organisation=action.owning_organisation,
        source_type=action.source_type,
        source_published=_source_published(action),
        marking=action.marking,
        published_to_panel=action.published_to_panel,
    )


def _source_published(action: Action) -> bool:
    if action.source_type == SourceType.MEETING:
        return bool(action.meeting and action.meeting.published)
    if action.source_type == SourceType.PANEL:
        return bool(action.panel_item and action.panel_item.published)
    return True


def can_view_action_values(
    user: AnyUser,
    *,
    opcc_only: bool,
    owning_organisation: Organisation,
    source_type: SourceType,
    source_published: bool,
    marking: Marking = Marking.OFFICIAL,
    published_to_panel: bool = False,
) -> bool:
    """The can_view_action rule from plain column values, for jobs that select columns
    rather than load actions (`source_published`: the meeting or Panel item is published;
    True for other sources). The Panel scrutinises the PCC, not the force: it sees an
    action only when the OPCC has published it to the Panel, or when it is OFFICIAL and
    arises from a published Panel item or meeting."""
    if is_opcc(user):
        return True
    if opcc_only:
        return False
    if is_force(user):
        return owning_organisation == Organisation.FORCE
    if is_panel(user):
        if published_to_panel:
            return True
        return (
            marking == Marking.OFFICIAL
            and source_type in (SourceType.MEETING, SourceType.PANEL)
            and source_published
        )
    return False


def action_visibility(user: AnyUser) -> ColumnElement[bool]:
    """A WHERE clause selecting the actions `user` may see (same rule as can_view_action)."""
    if is_opcc(user):
        return true()
    if is_force(user):
        # Sent with its values inline, as the partial index ix_actions_force_visible is
        # written, so the database can use it (it cannot with a bound parameter).
        force = literal(Organisation.FORCE, Action.owning_organisation.type, literal_execute=True)
        return and_(Action.opcc_only.is_(False), Action.owning_organisation == force)
    if is_panel(user):
        published_meeting = Action.meeting_id.in_(
            select(Meeting.id).where(Meeting.published.is_(True))
        )
        published_panel_item = Action.panel_item_id.in_(
            select(PanelItem.id).where(PanelItem.published.is_(True))
        )
        return and_(
            Action.opcc_only.is_(False),
            or_(
                Action.published_to_panel.is_(True),
                and_(
                    Action.marking == Marking.OFFICIAL,
                    or_(published_meeting, published_panel_item),
                ),
            ),
        )
    return false()


def update_visibility(user: AnyUser) -> ColumnElement[bool]:
    """A WHERE clause hiding OPCC-internal updates from everyone outside the OPCC."""
    return true() if is_opcc(user) else ActionUpdate.opcc_only.is_(False)


def can_see_opcc_notes(user: AnyUser) -> bool:
    """Internal OPCC notes and OPCC-only updates."""
    return is_opcc(user)


def can_see_update(user: AnyUser, update: ActionUpdate) -> bool:
    """A progress update: its action is visible, and OPCC-only updates to OPCC staff only."""
    if update.opcc_only and not can_see_opcc_notes(user):
        return False
    return can_view_action(user, update.action)


def can_publish_to_panel(user: AnyUser, action: Action) -> bool:
    """Publish an action to the Police and Crime Panel, or withdraw it (OPCC staff; never
    an OPCC-only action, which nobody outside the OPCC may see)."""
    return is_opcc(user) and not action.opcc_only


def can_view_history(user: AnyUser) -> bool:
    """The change history shown on an action's or a source's page (OPCC staff)."""
    return can_view_audit(user)


# Actions: changes ----------------------------------------------------------------------


def side_for(user: AnyUser, action: Action) -> Side | None:
    """Which side `user` acts for on `action`, or None when they cannot act on it."""
    if is_opcc(user):
        return Side.OPCC
    if is_force(user) and can_view_action(user, action):
        return Side.FORCE
    return None


def can_create_actions(user: AnyUser) -> bool:
    """Raise actions and record sources (meetings, requests, Panel items, reports)."""
    return is_opcc(user)


def can_edit_action(user: AnyUser, action: Action) -> bool:
    """Change an action's details (title, owner, due date...)."""
    return is_opcc(user)


def can_transition(user: AnyUser, action: Action, target: ActionStatus) -> bool:
    """Move `action` to `target`: the transition exists and is open to the user's side."""
    declared = transition_for(action.status, target)
    side = side_for(user, action)
    return declared is not None and side is not None and side in declared.sides


def can_add_update(user: AnyUser, action: Action) -> bool:
    """Post a progress update."""
    return side_for(user, action) is not None


def can_edit_update(user: AnyUser, update: ActionUpdate) -> bool:
    """Correct one's own update (the grace period is checked by the service)."""
    return is_signed_in(user) and update.author_id == user.id  # type: ignore[union-attr]


def can_request_extension(user: AnyUser, action: Action) -> bool:
    """Ask for a later due date: not for finished actions, one pending request at a time."""
    if side_for(user, action) is None or action.status.is_complete:
        return False
    return all(r.status != ExtensionStatus.PENDING for r in action.extension_requests)


def can_decide_extension(user: AnyUser, action: Action) -> bool:
    """Approve or decline an extension request."""
    return is_opcc(user)


# Sources -------------------------------------------------------------------------------


# The force is the party being held to account: it sees every ad-hoc request sent to the
# Chief Constable and every A&A meeting (past or future, published or not: it attends
# them). Of HMICFRS reports it sees those addressed to it: force-specific reports, and
# national reports the OPCC marks as applying to the force, plus any report where it owns
# an action; a finding is visible with its report. Panel items stay limited to those with
# an action the force may see. OPCC-only actions, updates and notes on those pages are
# still filtered by the action and update rules above.
_FORCE_SEES_EVERY = (Meeting, AdhocRequest)


def _force_sees_report(user: AnyUser, report: HmicfrsReport) -> bool:
    if report.addressed_to_force:
        return True
    return any(
        can_view_action(user, action) for finding in report.findings for action in finding.actions
    )


def can_view_source(
    user: AnyUser,
    source: Meeting | AdhocRequest | PanelItem | HmicfrsReport | Finding | PanelMeeting,
) -> bool:
    """OPCC: every source. Force: every meeting and ad-hoc request, HMICFRS reports (and
    their findings) addressed to the force or with a force action, and Panel items with an
    action the force may see. Panel: published meetings and Panel items, every HMICFRS
    report and finding (the same rule as the SQL in source_visibility). Panel meetings
    are the Panel's business: its clerk and OPCC staff see them, the force does not."""
    if isinstance(source, PanelMeeting):
        return can_view_panel_business(user)
    if is_opcc(user):
        return True
    if is_force(user):
        if isinstance(source, _FORCE_SEES_EVERY):
            return True
        if isinstance(source, HmicfrsReport):
            return _force_sees_report(user, source)
        if isinstance(source, Finding):
            return _force_sees_report(user, source.report)
        return any(can_view_action(user, action) for action in source.actions)
    if is_panel(user):
        if isinstance(source, (Meeting, PanelItem)):
            return bool(source.published)
        return isinstance(source, (HmicfrsReport, Finding))
    return False


def _force_report_visibility(user: AnyUser) -> ColumnElement[bool]:
    """HmicfrsReport rows the force may see (the SQL of _force_sees_report)."""
    with_force_action = HmicfrsReport.id.in_(
        select(Finding.report_id)
        .join(Action, Action.finding_id == Finding.id)
        .where(action_visibility(user))
    )
    return or_(
        HmicfrsReport.scope == ReportScope.FORCE,
        HmicfrsReport.applies_to_force.is_(True),
        with_force_action,
    )


def source_visibility(user: AnyUser, model: type) -> ColumnElement[bool]:
    """A WHERE clause selecting the records of source `model` that `user` may see (same
    rule as can_view_source)."""
    if model is PanelMeeting:
        return true() if can_view_panel_business(user) else false()
    if is_opcc(user):
        return true()
    if is_force(user):
        if model in _FORCE_SEES_EVERY:
            return true()
        if model is HmicfrsReport:
            return _force_report_visibility(user)
        if model is Finding:
            return Finding.report_id.in_(
                select(HmicfrsReport.id).where(_force_report_visibility(user))
            )
        return model.id.in_(
            select(Action.panel_item_id).where(
                action_visibility(user), Action.panel_item_id.is_not(None)
            )
        )
    if is_panel(user):
        if model in (Meeting, PanelItem):
            return model.published.is_(True)
        return true() if model in (HmicfrsReport, Finding) else false()
    return false()


# Written responses ------------------------------------------------------------------------
# The force answers in writing: the Chief Constable's response to an ad-hoc request and
# comments on an HMICFRS report addressed to it. The OPCC reviews what is submitted. The
# exchange is between the two: the Panel does not see it, and drafts stay with the force.


def can_write_response(user: AnyUser, subject: AdhocRequest | HmicfrsReport) -> bool:
    """Draft and submit the Chief Constable's response or comments (the force, on a
    request or on a report addressed to it)."""
    if not is_force(user):
        return False
    if isinstance(subject, HmicfrsReport):
        return subject.addressed_to_force
    return isinstance(subject, AdhocRequest)


def can_review_response(user: AnyUser, subject: AdhocRequest | HmicfrsReport) -> bool:
    """Send back or accept a submitted response or comments (OPCC staff)."""
    return is_opcc(user)


def can_see_response(
    user: AnyUser, response: WrittenResponse, subject: AdhocRequest | HmicfrsReport
) -> bool:
    """One version: OPCC staff see what was submitted; the force sees every version on
    what it may answer, drafts included; nobody else sees the exchange."""
    if is_opcc(user):
        return response.state != ResponseState.DRAFT
    return can_write_response(user, subject)


# The PCC's s.55 response to an HMICFRS report is the OPCC's own document: OPCC staff draft
# it, an administrator approves it for the PCC, and nobody else sees it until published.


def can_draft_s55(user: AnyUser) -> bool:
    """Draft, edit, submit, publish and record the sending of an s.55 response."""
    return is_opcc(user)


def can_approve_s55(user: AnyUser) -> bool:
    """Approve an s.55 response for the PCC (administrators acting for the PCC)."""
    return has_role(user, Role.ADMIN)


def can_view_s55(user: AnyUser, response: S55Response | None) -> bool:
    """OPCC staff: every version, drafts included. Everyone else signed in: published
    versions only (the force never sees the PCC's draft)."""
    if is_opcc(user):
        return True
    return is_signed_in(user) and response is not None and bool(response.public)


def can_view_asks(user: AnyUser) -> bool:
    """The "What the OPCC has asked for" page: everything the force must answer."""
    return is_force(user)


def can_edit_source(user: AnyUser) -> bool:
    """Create and change meetings, requests, Panel items, reports and findings."""
    return is_opcc(user)


def can_change_source(user: AnyUser, model: type) -> bool:
    """Create and change a record of source `model`: Panel items are the Panel's business
    (its clerk or OPCC staff record them); every other source is the OPCC's."""
    if model in (PanelItem, PanelMeeting):
        return can_record_panel_business(user)
    return can_edit_source(user)


def can_view_lists(user: AnyUser) -> bool:
    """Open the action list and dashboard (everyone signed in; rows are filtered)."""
    return is_signed_in(user)


def can_view_report_job(user: AnyUser, job: ReportJob) -> bool:
    """A prepared report is private to the person who asked for it (admins included)."""
    return is_signed_in(user) and job.requested_by_id == user.id  # type: ignore[union-attr]


def can_view_outbox(user: AnyUser) -> bool:
    """The reminder outbox: every message the tracker has sent or will send (admins)."""
    return has_role(user, Role.ADMIN)


def can_import(user: AnyUser) -> bool:
    """Upload spreadsheets of actions, Panel items or findings (OPCC staff and admins)."""
    return is_opcc(user)


# Statutory calendar ----------------------------------------------------------------------
# The precept, Chief Constable appointments and the annual report are the PCC's business
# with the Panel: the force has no part in them and does not see them.


def can_view_statutory(user: AnyUser) -> bool:
    """The statutory calendar and every record in it: OPCC staff and Panel clerks."""
    return is_opcc(user) or is_panel(user)


def can_record_pcc_side(user: AnyUser) -> bool:
    """Record the PCC's steps: proposals, notifications, responses, decisions (OPCC staff)."""
    return is_opcc(user)


def can_record_panel_side(user: AnyUser) -> bool:
    """Record the Panel's steps: reports, vetoes and votes, hearings, recommendations."""
    return is_panel(user)


# The Panel's business ----------------------------------------------------------------------
# The clerk records the Panel's meetings, what it resolved and its work programme; the
# OPCC records the PCC's response; the clerk says what the Panel made of it. The force
# has no part in the Panel's business.


def can_view_panel_business(user: AnyUser) -> bool:
    """Panel meetings and the Panel's work programme: OPCC staff and Panel clerks."""
    return is_opcc(user) or is_panel(user)


def can_record_panel_business(user: AnyUser) -> bool:
    """Record and change Panel meetings, Panel items and the work programme (Panel
    clerks and OPCC staff; never the force)."""
    return is_opcc(user) or is_panel(user)


def can_record_pcc_response(user: AnyUser, item: PanelItem) -> bool:
    """Record the PCC's response to a Panel item, with its documents (OPCC staff), while
    the Panel has not concluded the matter."""
    return is_opcc(user) and item.matter_state != PanelMatterState.CONCLUDED


def can_conclude_panel_item(user: AnyUser, item: PanelItem) -> bool:
    """Mark a Panel item concluded or carried forward: the Panel decides, its clerk
    records it."""
    return is_panel(user) and can_view_source(user, item)


# Attachments ---------------------------------------------------------------------------
# A file is visible exactly when its owner record is: each owner kind registers its own
# checks in tracker.attachments.definitions (action updates: tracker.actions.evidence).


def can_view_attachment(user: AnyUser, attachment: Attachment) -> bool:
    """Open or download a file: the user may see the record it is attached to."""
    kind = owner_kind(attachment.owner_kind)
    return is_signed_in(user) and kind is not None and kind.can_view(user, attachment.owner_id)


def can_replace_attachment(user: AnyUser, attachment: Attachment) -> bool:
    """Replace a file with a newer one: not already replaced, the user may add files to
    its record, and it is their own upload (OPCC staff may replace anyone's)."""
    kind = owner_kind(attachment.owner_kind)
    if attachment.superseded_by_id is not None or kind is None:
        return False
    if not can_view_attachment(user, attachment) or not kind.can_attach(user, attachment.owner_id):
        return False
    return is_opcc(user) or attachment.uploaded_by_id == user.id  # type: ignore[union-attr]


# The A&A programme ------------------------------------------------------------------------


def can_manage_programme(user: AnyUser) -> bool:
    """Run the A&A programme: record a meeting as held or cancelled, record the papers as
    received, write lines of enquiry and conclusions, record public questions and bring
    actions to a meeting's matters arising (OPCC staff)."""
    return is_opcc(user)


def can_manage_meeting_kinds(user: AnyUser) -> bool:
    """Add, rename, retire and delete meeting kinds (administrators)."""
    return can_manage_settings(user)


def can_view_line_of_enquiry(user: AnyUser, line: LineOfEnquiry) -> bool:
    """A line of enquiry: its meeting is visible, and OPCC-only lines to OPCC staff only
    (the same rule as line_of_enquiry_visibility)."""
    if is_opcc(user):
        return True
    return not line.opcc_only and can_view_source(user, line.meeting)


def line_of_enquiry_visibility(user: AnyUser) -> ColumnElement[bool]:
    """A WHERE clause selecting the lines of enquiry `user` may see."""
    if is_opcc(user):
        return true()
    visible_meetings = select(Meeting.id).where(source_visibility(user, Meeting))
    return and_(LineOfEnquiry.opcc_only.is_(False), LineOfEnquiry.meeting_id.in_(visible_meetings))


def can_answer_line_of_enquiry(user: AnyUser, line: LineOfEnquiry) -> bool:
    """Write the force's answer: the force liaison (or the OPCC recording what was said at
    the meeting), until the OPCC concludes; never on a cancelled meeting."""
    if line.is_concluded or line.meeting.is_cancelled:
        return False
    if is_opcc(user):
        return True
    return is_force(user) and can_view_line_of_enquiry(user, line)


def can_conclude_line_of_enquiry(user: AnyUser, line: LineOfEnquiry) -> bool:
    """Record the OPCC's conclusion on a line of enquiry."""
    return is_opcc(user) and not line.meeting.is_cancelled


def can_see_question_asker(user: AnyUser) -> bool:
    """Who asked a public question is kept within the OPCC."""
    return is_opcc(user)


def can_view_public_question(user: AnyUser, question: PublicQuestion) -> bool:
    """OPCC: every public question. Others: published questions of meetings they see."""
    if is_opcc(user):
        return True
    return question.published and can_view_source(user, question.meeting)


def public_question_visibility(user: AnyUser) -> ColumnElement[bool]:
    """A WHERE clause selecting the public questions `user` may see."""
    if is_opcc(user):
        return true()
    visible_meetings = select(Meeting.id).where(source_visibility(user, Meeting))
    return and_(PublicQuestion.published.is_(True), PublicQuestion.meeting_id.in_(visible_meetings))


# The publication register --------------------------------------------------------------
# What the office must publish is the OPCC's business; the public sees only what it has
# published (tracker.publication.queries holds the public filters).


def can_view_publication_register(user: AnyUser) -> bool:
    """The publication register and each publication record (OPCC staff)."""
    return is_opcc(user)


def can_manage_publications(user: AnyUser) -> bool:
    """Record and change publications: the annual statement, decisions (OPCC staff)."""
    return is_opcc(user)


TEMPLATE_GLOBALS = {
    "can_import": can_import,
    "can_manage_users": can_manage_users,
    "can_manage_settings": can_manage_settings,
    "can_view_audit": can_view_audit,
    "can_verify_audit": can_verify_audit,
    "can_change_user": can_change_user,
    "can_create_actions": can_create_actions,
    "can_edit_action": can_edit_action,
    "can_transition": can_transition,
    "can_add_update": can_add_update,
    "can_edit_update": can_edit_update,
    "can_request_extension": can_request_extension,
    "can_decide_extension": can_decide_extension,
    "can_edit_source": can_edit_source,
    "can_see_opcc_notes": can_see_opcc_notes,
    "can_see_update": can_see_update,
    "can_view_history": can_view_history,
    "can_view_outbox": can_view_outbox,
    "can_view_source": can_view_source,
    "can_write_response": can_write_response,
    "can_review_response": can_review_response,
    "can_draft_s55": can_draft_s55,
    "can_approve_s55": can_approve_s55,
    "can_replace_attachment": can_replace_attachment,
    "is_opcc": is_opcc,
    "can_view_statutory": can_view_statutory,
    "can_record_pcc_side": can_record_pcc_side,
    "can_record_panel_side": can_record_panel_side,
    "can_view_panel_business": can_view_panel_business,
    "can_record_panel_business": can_record_panel_business,
    "can_record_pcc_response": can_record_pcc_response,
    "can_conclude_panel_item": can_conclude_panel_item,
    "can_change_source": can_change_source,
    "can_manage_programme": can_manage_programme,
    "can_manage_meeting_kinds": can_manage_meeting_kinds,
    "can_view_line_of_enquiry": can_view_line_of_enquiry,
    "can_answer_line_of_enquiry": can_answer_line_of_enquiry,
    "can_conclude_line_of_enquiry": can_conclude_line_of_enquiry,
    "can_see_question_asker": can_see_question_asker,
    "can_view_public_question": can_view_public_question,
    "can_view_publication_register": can_view_publication_register,
    "can_manage_publications": can_manage_publications,
}
