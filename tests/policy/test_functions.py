"""Every policy function, tested directly: role x ownership x state.

The identities are the four roles, a deactivated administrator and an anonymous visitor.
Records are built in memory (no database) except where the rule is a SQL clause, which
is checked against the Python rule on saved rows.
"""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tracker import policy
from tracker.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ExtensionRequest,
    ExtensionStatus,
    Marking,
    SourceType,
)
from tracker.auth.models import ROLE_ORGANISATION, Organisation, Role, User
from tracker.db import db
from tracker.programme.models import LineOfEnquiry, PublicQuestion
from tracker.reports.models import ReportJob
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.s55.models import S55Response, S55State
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    HmicfrsReport,
    Meeting,
    MeetingState,
    PanelItem,
    PanelMatterState,
    PanelMeeting,
    ReportScope,
)

ADMIN, OFFICER, FORCE, PANEL, INACTIVE, ANONYMOUS = (
    "admin",
    "officer",
    "force",
    "panel",
    "inactive",
    "anonymous",
)
IDENTITIES = (ADMIN, OFFICER, FORCE, PANEL, INACTIVE, ANONYMOUS)
ROLES = {ADMIN: Role.ADMIN, OFFICER: Role.OPCC_OFFICER, FORCE: Role.FORCE_LIAISON}
ROLES[PANEL] = Role.PANEL_CLERK


def person(identity: str, *, user_id: int = 1):
    """A user in memory for `identity` (anonymous: Flask-Login's anonymous user)."""
    if identity == ANONYMOUS:
        return AnonymousUserMixin()
    role = Role.ADMIN if identity == INACTIVE else ROLES[identity]
    return User(
        id=user_id,
        name=identity,
        email=f"{identity}@example.org",
        role=role,
        organisation=ROLE_ORGANISATION[role],
        active=identity != INACTIVE,
    )


def allowed(*identities: str) -> dict[str, bool]:
    """Expected outcome per identity: True for those listed."""
    return {identity: identity in identities for identity in IDENTITIES}


OPCC_STAFF = (ADMIN, OFFICER)
SIGNED_IN = (ADMIN, OFFICER, FORCE, PANEL)

# Rules that depend on the user alone.
ROLE_RULES = {
    "is_signed_in": allowed(*SIGNED_IN),
    "has_role": None,  # tested below with explicit roles
    "is_opcc": allowed(*OPCC_STAFF),
    "is_force": allowed(FORCE),
    "is_panel": allowed(PANEL),
    "can_manage_users": allowed(ADMIN),
    "can_view_service_health": allowed(ADMIN),
    "can_view_audit": allowed(*OPCC_STAFF),
    "can_verify_audit": allowed(ADMIN),
    "can_manage_settings": allowed(ADMIN),
    "can_see_opcc_notes": allowed(*OPCC_STAFF),
    "can_view_history": allowed(*OPCC_STAFF),
    "can_create_actions": allowed(*OPCC_STAFF),
    "can_edit_source": allowed(*OPCC_STAFF),
    "can_view_lists": allowed(*SIGNED_IN),
    "can_view_outbox": allowed(ADMIN),
    "can_import": allowed(*OPCC_STAFF),
    "can_view_statutory": allowed(*OPCC_STAFF, PANEL),
    "can_record_pcc_side": allowed(*OPCC_STAFF),
    "can_record_panel_side": allowed(PANEL),
    "can_manage_programme": allowed(*OPCC_STAFF),
    "can_manage_meeting_kinds": allowed(ADMIN),
    "can_see_question_asker": allowed(*OPCC_STAFF),
    "can_draft_s55": allowed(*OPCC_STAFF),
    "can_approve_s55": allowed(ADMIN),
    "can_view_publication_register": allowed(*OPCC_STAFF),
    "can_manage_publications": allowed(*OPCC_STAFF),
    "can_view_panel_business": allowed(*OPCC_STAFF, PANEL),
    "can_record_panel_business": allowed(*OPCC_STAFF, PANEL),
}


@pytest.mark.parametrize(
    ("rule", "identity"),
    [(rule, identity) for rule, table in ROLE_RULES.items() if table for identity in IDENTITIES],
)
def test_role_rule(rule, identity):
    assert getattr(policy, rule)(person(identity)) is ROLE_RULES[rule][identity]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_has_role_matches_only_the_roles_named(identity):
    expected = identity in (FORCE, PANEL)
    assert policy.has_role(person(identity), Role.FORCE_LIAISON, Role.PANEL_CLERK) is expected


def test_history_of_actions_and_sources_is_one_rule():
    for identity in IDENTITIES:
        user = person(identity)
        assert policy.can_view_history(user) is policy.can_view_audit(user)


# Actions -------------------------------------------------------------------------------


def make_action(
    *,
    source_type: SourceType = SourceType.MEETING,
    owner: Organisation = Organisation.FORCE,
    opcc_only: bool = False,
    published: bool = True,
    status: ActionStatus = ActionStatus.OPEN,
    marking: Marking = Marking.OFFICIAL,
    published_to_panel: bool = False,
) -> Action:
    """An action in memory, with its meeting or Panel item when it has one."""
    action = Action(
        id=1,
        source_type=source_type,
        owning_organisation=owner,
        opcc_only=opcc_only,
        status=status,
        marking=marking,
        published_to_panel=published_to_panel,
    )
    if source_type == SourceType.MEETING:
        action.meeting = Meeting(published=published)
    elif source_type == SourceType.PANEL:
        action.panel_item = PanelItem(published=published)
    action.extension_requests = []
    return action


OFFICIAL, SENSITIVE = Marking.OFFICIAL, Marking.OFFICIAL_SENSITIVE
# (source, owner, opcc_only, published, marking, published_to_panel)
#   -> identities who may see the action
VISIBILITY = [
    (
        SourceType.MEETING,
        Organisation.FORCE,
        False,
        True,
        OFFICIAL,
        False,
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (SourceType.MEETING, Organisation.FORCE, False, False, OFFICIAL, False, (*OPCC_STAFF, FORCE)),
    (
        SourceType.MEETING,
        Organisation.FORCE,
        False,
        False,
        OFFICIAL,
        True,
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (SourceType.MEETING, Organisation.FORCE, False, True, SENSITIVE, False, (*OPCC_STAFF, FORCE)),
    (
        SourceType.MEETING,
        Organisation.FORCE,
        False,
        True,
        SENSITIVE,
        True,
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (SourceType.MEETING, Organisation.OPCC, False, True, OFFICIAL, False, (*OPCC_STAFF, PANEL)),
    (SourceType.MEETING, Organisation.FORCE, True, True, OFFICIAL, False, OPCC_STAFF),
    (SourceType.MEETING, Organisation.OPCC, True, True, OFFICIAL, True, OPCC_STAFF),
    (
        SourceType.PANEL,
        Organisation.FORCE,
        False,
        True,
        OFFICIAL,
        False,
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (SourceType.PANEL, Organisation.OPCC, False, False, OFFICIAL, False, OPCC_STAFF),
    (SourceType.PANEL, Organisation.OPCC, False, True, SENSITIVE, False, OPCC_STAFF),
    # The Panel scrutinises the PCC, not the force: HMICFRS actions only when published to it.
    (SourceType.HMICFRS, Organisation.FORCE, False, True, OFFICIAL, False, (*OPCC_STAFF, FORCE)),
    (SourceType.HMICFRS, Organisation.FORCE, False, True, SENSITIVE, False, (*OPCC_STAFF, FORCE)),
    (
        SourceType.HMICFRS,
        Organisation.FORCE,
        False,
        True,
        OFFICIAL,
        True,
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (SourceType.HMICFRS, Organisation.OPCC, True, True, OFFICIAL, False, OPCC_STAFF),
    (SourceType.ADHOC, Organisation.FORCE, False, True, OFFICIAL, False, (*OPCC_STAFF, FORCE)),
    (SourceType.ADHOC, Organisation.OPCC, False, True, OFFICIAL, False, OPCC_STAFF),
    (SourceType.ADHOC, Organisation.OPCC, False, True, OFFICIAL, True, (*OPCC_STAFF, PANEL)),
]
VISIBILITY_CASES = [
    (*case[:6], identity, identity in case[6]) for case in VISIBILITY for identity in IDENTITIES
]
VISIBILITY_PARAMS = (
    "source_type",
    "owner",
    "opcc_only",
    "published",
    "marking",
    "published_to_panel",
    "identity",
    "expected",
)


@pytest.mark.parametrize(VISIBILITY_PARAMS, VISIBILITY_CASES)
def test_can_view_action(
    source_type, owner, opcc_only, published, marking, published_to_panel, identity, expected
):
    action = make_action(
        source_type=source_type,
        owner=owner,
        opcc_only=opcc_only,
        published=published,
        marking=marking,
        published_to_panel=published_to_panel,
    )
    assert policy.can_view_action(person(identity), action) is expected


@pytest.mark.parametrize(VISIBILITY_PARAMS, VISIBILITY_CASES)
def test_can_view_action_values(
    source_type, owner, opcc_only, published, marking, published_to_panel, identity, expected
):
    verdict = policy.can_view_action_values(
        person(identity),
        opcc_only=opcc_only,
        owning_organisation=owner,
        source_type=source_type,
        source_published=published,
        marking=marking,
        published_to_panel=published_to_panel,
    )
    assert verdict is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("opcc_only", [False, True])
@pytest.mark.parametrize("action_visible", [False, True])
def test_can_see_update(identity, opcc_only, action_visible):
    action = make_action(opcc_only=not action_visible)
    update = ActionUpdate(action=action, opcc_only=opcc_only, author_id=1)
    user = person(identity)
    expected = policy.can_view_action(user, action) and (not opcc_only or identity in OPCC_STAFF)
    assert policy.can_see_update(user, update) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("owner", [Organisation.FORCE, Organisation.OPCC])
def test_side_for(identity, owner):
    expected = {
        ADMIN: policy.Side.OPCC,
        OFFICER: policy.Side.OPCC,
        FORCE: policy.Side.FORCE if owner == Organisation.FORCE else None,
    }.get(identity)
    assert policy.side_for(person(identity), make_action(owner=owner)) == expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("owner", [Organisation.FORCE, Organisation.OPCC])
def test_can_add_update(identity, owner):
    acts = identity in OPCC_STAFF or (identity == FORCE and owner == Organisation.FORCE)
    assert policy.can_add_update(person(identity), make_action(owner=owner)) is acts


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("rule", ["can_edit_action", "can_decide_extension"])
def test_opcc_only_action_rules(identity, rule):
    assert getattr(policy, rule)(person(identity), make_action()) is (identity in OPCC_STAFF)


TRANSITION_CASES = [
    # (from, to, identities allowed on a force-owned action)
    (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, (*OPCC_STAFF, FORCE)),
    (ActionStatus.IN_PROGRESS, ActionStatus.IMPLEMENTED, (*OPCC_STAFF, FORCE)),
    (ActionStatus.IMPLEMENTED, ActionStatus.CLOSED, OPCC_STAFF),
    (ActionStatus.OPEN, ActionStatus.WITHDRAWN, OPCC_STAFF),
    (ActionStatus.CLOSED, ActionStatus.REOPENED, OPCC_STAFF),
    (ActionStatus.OPEN, ActionStatus.CLOSED, ()),  # not a declared transition
]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(("current", "target", "identities"), TRANSITION_CASES)
def test_can_transition(identity, current, target, identities):
    action = make_action(status=current)
    assert policy.can_transition(person(identity), action, target) is (identity in identities)


def test_force_cannot_transition_an_opcc_owned_action():
    action = make_action(owner=Organisation.OPCC)
    assert not policy.can_transition(person(FORCE), action, ActionStatus.IN_PROGRESS)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("status", "pending", "open_to_request"),
    [
        (ActionStatus.OPEN, False, True),
        (ActionStatus.OPEN, True, False),
        (ActionStatus.CLOSED, False, False),
    ],
)
def test_can_request_extension(identity, status, pending, open_to_request):
    action = make_action(status=status)
    if pending:
        action.extension_requests = [ExtensionRequest(status=ExtensionStatus.PENDING)]
    expected = open_to_request and identity in (*OPCC_STAFF, FORCE)
    assert policy.can_request_extension(person(identity), action) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("own", [True, False])
def test_can_edit_update(identity, own):
    update = ActionUpdate(author_id=1 if own else 2, action=make_action())
    expected = own and identity in SIGNED_IN
    assert policy.can_edit_update(person(identity, user_id=1), update) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("own", [True, False])
def test_can_view_report_job(identity, own):
    job = ReportJob(requested_by_id=1 if own else 2)
    expected = own and identity in SIGNED_IN
    assert policy.can_view_report_job(person(identity, user_id=1), job) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("target_is_self", [True, False])
def test_can_change_user(identity, target_is_self):
    target = person(OFFICER, user_id=1 if target_is_self else 2)
    expected = identity == ADMIN and not target_is_self
    assert policy.can_change_user(person(identity, user_id=1), target) is expected


# Sources -------------------------------------------------------------------------------


def _with_action(source, **fields):
    action = make_action(**fields)
    source.actions = [action]
    return source


def _report(**fields) -> HmicfrsReport:
    report = HmicfrsReport(scope=ReportScope.NATIONAL)
    report.findings = [_with_action(Finding(), source_type=SourceType.HMICFRS, **fields)]
    return report


SOURCE_CASES = [
    # (description, factory, identities who may see it). The force sees every meeting and
    # ad-hoc request (it is the party held to account), HMICFRS reports addressed to it
    # or with its actions, but only the Panel items where it has an action.
    (
        "published meeting, no actions",
        lambda: Meeting(published=True, actions=[]),
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (
        "draft meeting, no actions",
        lambda: Meeting(published=False, actions=[]),
        (*OPCC_STAFF, FORCE),
    ),
    (
        "draft meeting, force action",
        lambda: _with_action(Meeting(published=False)),
        (*OPCC_STAFF, FORCE),
    ),
    (
        "draft meeting, only a restricted action",
        lambda: _with_action(Meeting(published=False), opcc_only=True),
        (*OPCC_STAFF, FORCE),
    ),
    ("adhoc request, no actions", lambda: AdhocRequest(actions=[]), (*OPCC_STAFF, FORCE)),
    (
        "adhoc request, force action",
        lambda: _with_action(AdhocRequest(), source_type=SourceType.ADHOC),
        (*OPCC_STAFF, FORCE),
    ),
    (
        "adhoc request, only a restricted action",
        lambda: _with_action(AdhocRequest(), source_type=SourceType.ADHOC, opcc_only=True),
        (*OPCC_STAFF, FORCE),
    ),
    ("published Panel item", lambda: PanelItem(published=True, actions=[]), (*OPCC_STAFF, PANEL)),
    ("unpublished Panel item", lambda: PanelItem(published=False, actions=[]), OPCC_STAFF),
    (
        "Panel item, force action",
        lambda: _with_action(PanelItem(published=True), source_type=SourceType.PANEL),
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (
        "Panel item, OPCC action",
        lambda: _with_action(
            PanelItem(published=True), source_type=SourceType.PANEL, owner=Organisation.OPCC
        ),
        (*OPCC_STAFF, PANEL),
    ),
    (
        "force report, no findings",
        lambda: HmicfrsReport(scope=ReportScope.FORCE, findings=[]),
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (
        "national report, no findings",
        lambda: HmicfrsReport(scope=ReportScope.NATIONAL, findings=[]),
        (*OPCC_STAFF, PANEL),
    ),
    (
        "national report applying to the force",
        lambda: HmicfrsReport(scope=ReportScope.NATIONAL, applies_to_force=True, findings=[]),
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    ("national report, finding with force action", _report, (*OPCC_STAFF, FORCE, PANEL)),
    (
        "national report, finding with OPCC action",
        lambda: _report(owner=Organisation.OPCC),
        (*OPCC_STAFF, PANEL),
    ),
    (
        "finding in a force report, no actions",
        lambda: Finding(report=HmicfrsReport(scope=ReportScope.FORCE), actions=[]),
        (*OPCC_STAFF, FORCE, PANEL),
    ),
    (
        "finding in a national report, no actions",
        lambda: Finding(report=HmicfrsReport(scope=ReportScope.NATIONAL, findings=[]), actions=[]),
        (*OPCC_STAFF, PANEL),
    ),
    ("published Panel meeting", lambda: PanelMeeting(published=True), (*OPCC_STAFF, PANEL)),
    ("unpublished Panel meeting", lambda: PanelMeeting(published=False), (*OPCC_STAFF, PANEL)),
]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("factory", "identities"),
    [case[1:] for case in SOURCE_CASES],
    ids=[case[0] for case in SOURCE_CASES],
)
def test_can_view_source(identity, factory, identities):
    assert policy.can_view_source(person(identity), factory()) is (identity in identities)


# Written responses ------------------------------------------------------------------------

RESPONSE_SUBJECTS = [
    ("request", lambda: AdhocRequest(), (FORCE,)),
    ("force report", lambda: HmicfrsReport(scope=ReportScope.FORCE), (FORCE,)),
    (
        "national report applying to the force",
        lambda: HmicfrsReport(scope=ReportScope.NATIONAL, applies_to_force=True),
        (FORCE,),
    ),
    ("national report", lambda: HmicfrsReport(scope=ReportScope.NATIONAL), ()),
]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("factory", "writers"),
    [case[1:] for case in RESPONSE_SUBJECTS],
    ids=[case[0] for case in RESPONSE_SUBJECTS],
)
def test_can_write_response(identity, factory, writers):
    assert policy.can_write_response(person(identity), factory()) is (identity in writers)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_can_review_response(identity):
    for subject in (AdhocRequest(), HmicfrsReport(scope=ReportScope.FORCE)):
        assert policy.can_review_response(person(identity), subject) is (identity in OPCC_STAFF)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("state", list(ResponseState))
def test_can_see_response(identity, state):
    """Drafts stay with the force; the Panel never sees the exchange."""
    response = WrittenResponse(state=state)
    expected = identity == FORCE or (identity in OPCC_STAFF and state != ResponseState.DRAFT)
    assert policy.can_see_response(person(identity), response, AdhocRequest()) is expected


def test_force_sees_no_response_on_a_report_not_addressed_to_it():
    response = WrittenResponse(state=ResponseState.ACCEPTED)
    national = HmicfrsReport(scope=ReportScope.NATIONAL)
    assert not policy.can_see_response(person(FORCE), response, national)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("state", list(S55State))
def test_can_view_s55(identity, state):
    """OPCC staff see every version; others signed in see only a published one."""
    response = S55Response(state=state, public=state.published)
    expected = identity in OPCC_STAFF or (identity in (FORCE, PANEL) and state.published)
    assert policy.can_view_s55(person(identity), response) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
def test_can_view_s55_before_any_draft(identity):
    assert policy.can_view_s55(person(identity), None) is (identity in OPCC_STAFF)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_can_view_asks(identity):
    assert policy.can_view_asks(person(identity)) is (identity == FORCE)


# SQL rules: the clause selects exactly the rows the Python rule allows ---------------------


def test_action_visibility_agrees_with_can_view_action(app, make_user):
    from tests.factories import make_action as save_action
    from tests.factories import make_finding, make_meeting, make_panel_item, make_report

    owner = make_user(role=Role.FORCE_LIAISON, email="owner@example.org")
    sources = [
        make_meeting(app, published=True),
        make_meeting(app, published=False),
        make_panel_item(app, published=False),
        make_panel_item(app, published=True),
        make_finding(app, make_report(app)),
    ]
    for source in sources:
        # A force-owned action cannot be OPCC-only (a CHECK refuses it): three kinds.
        for organisation, opcc_only in (
            (Organisation.FORCE, False),
            (Organisation.OPCC, False),
            (Organisation.OPCC, True),
        ):
            for marking, published_to_panel in (
                (Marking.OFFICIAL, False),
                (Marking.OFFICIAL_SENSITIVE, False),
                (Marking.OFFICIAL_SENSITIVE, True),
            ):
                save_action(
                    app,
                    source,
                    owner,
                    owning_organisation=organisation,
                    opcc_only=opcc_only,
                    marking=marking,
                    published_to_panel=published_to_panel,
                )
    _check_sql_rule(app, make_user, policy.action_visibility, Action, policy.can_view_action)


def test_update_visibility_agrees_with_can_see_opcc_notes(app, make_user):
    from tests.factories import make_action as save_action
    from tests.factories import make_meeting

    owner = make_user(role=Role.OPCC_OFFICER, email="owner@example.org")
    action = save_action(app, make_meeting(app, published=True), owner)
    with app.app_context():
        for opcc_only in False, True:
            db.session.add(
                ActionUpdate(action_id=action.id, author_id=owner.id, text="x", opcc_only=opcc_only)
            )
        db.session.commit()

    def python_rule(user, update):
        return not update.opcc_only or policy.can_see_opcc_notes(user)

    _check_sql_rule(app, make_user, policy.update_visibility, ActionUpdate, python_rule)


def test_can_view_source_agrees_with_source_visibility(app, make_user):
    from tests.factories import make_action as save_action
    from tests.factories import (
        make_adhoc_request,
        make_finding,
        make_meeting,
        make_panel_item,
        make_report,
    )

    owner = make_user(role=Role.FORCE_LIAISON, email="owner@example.org")
    make_meeting(app, published=True)
    make_meeting(app, published=False, held_on=date(2031, 1, 6))  # future, no actions yet
    make_adhoc_request(app)
    make_panel_item(app, published=False)
    make_panel_item(app, published=True)
    make_report(app)
    make_report(app, scope=ReportScope.NATIONAL)
    make_finding(app, make_report(app, scope=ReportScope.NATIONAL, applies_to_force=True))
    make_finding(app, make_report(app, scope=ReportScope.NATIONAL))
    for source in (
        make_meeting(app, published=False),
        make_adhoc_request(app),
        make_panel_item(app, published=True),
        make_finding(app, make_report(app)),
        make_finding(app, make_report(app, scope=ReportScope.NATIONAL)),
    ):
        for organisation in Organisation.FORCE, Organisation.OPCC:
            save_action(app, source, owner, owning_organisation=organisation)
    save_action(app, make_adhoc_request(app), owner, opcc_only=True)
    save_action(app, make_meeting(app, published=False), owner, opcc_only=True)
    save_action(app, make_panel_item(app, published=True), owner, opcc_only=True)
    with app.app_context():
        db.session.add(PanelMeeting(held_on=date(2023, 7, 27), title="Panel", published=False))
        db.session.commit()
    for model in (Meeting, AdhocRequest, PanelItem, HmicfrsReport, Finding, PanelMeeting):
        _check_sql_rule(
            app,
            make_user,
            lambda user, model=model: policy.source_visibility(user, model),
            model,
            policy.can_view_source,
        )


def _check_sql_rule(app, make_user, clause, model, python_rule):
    users = [make_user(role=role) for role in Role]
    with app.app_context():
        rows = db.session.scalars(select(model)).all()
        assert rows
        for user in [*users, AnonymousUserMixin()]:
            by_sql = set(db.session.scalars(select(model.id).where(clause(user))))
            by_python = {row.id for row in rows if python_rule(user, row)}
            assert by_sql == by_python, user


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("opcc_only", [False, True])
def test_can_publish_to_panel(identity, opcc_only):
    action = make_action(owner=Organisation.OPCC, opcc_only=opcc_only)
    expected = identity in OPCC_STAFF and not opcc_only
    assert policy.can_publish_to_panel(person(identity), action) is expected


# Attachments -----------------------------------------------------------------------------
# The policy defers to the owner kind's own checks; a stand-in kind pins them down here,
# and the action update kind is checked against can_see_update on saved records.


@pytest.fixture
def stand_in_kind():
    """Register a kind whose checks answer from `answers`; removed afterwards."""
    from tracker.attachments.definitions import OWNER_KINDS, OwnerKind, register_owner_kind

    answers = {"view": True, "attach": True}
    register_owner_kind(
        OwnerKind(
            name="stand_in",
            label="Stand-in",
            can_view=lambda user, owner_id: answers["view"],
            can_attach=lambda user, owner_id: answers["attach"],
            link=lambda owner_id: "/",
            audit_target=lambda owner_id: ("action", owner_id),
        )
    )
    yield answers
    OWNER_KINDS.pop("stand_in")


def _file(*, kind: str = "stand_in", uploaded_by: int = 2, superseded: bool = False):
    from tracker.attachments.models import Attachment

    return Attachment(
        owner_kind=kind,
        owner_id=1,
        uploaded_by_id=uploaded_by,
        superseded_by_id=9 if superseded else None,
    )


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("owner_visible", [False, True])
def test_can_view_attachment_follows_its_owner(stand_in_kind, identity, owner_visible):
    stand_in_kind["view"] = owner_visible
    expected = owner_visible and identity in SIGNED_IN
    assert policy.can_view_attachment(person(identity), _file()) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_one_sees_a_file_of_an_unregistered_kind(identity):
    assert policy.can_view_attachment(person(identity), _file(kind="nowhere")) is False
    assert policy.can_replace_attachment(person(identity), _file(kind="nowhere")) is False


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("own", [False, True])
@pytest.mark.parametrize("may_attach", [False, True])
@pytest.mark.parametrize("superseded", [False, True])
def test_can_replace_attachment(stand_in_kind, identity, own, may_attach, superseded):
    stand_in_kind["attach"] = may_attach
    attachment = _file(uploaded_by=1 if own else 2, superseded=superseded)
    expected = (
        identity in SIGNED_IN and may_attach and not superseded and (own or identity in OPCC_STAFF)
    )
    assert policy.can_replace_attachment(person(identity, user_id=1), attachment) is expected


def test_files_on_action_updates_are_seen_exactly_where_the_update_is(app, make_user):
    from tests.factories import make_action as save_action
    from tests.factories import make_meeting
    from tracker.actions.evidence import ACTION_UPDATE
    from tracker.attachments.models import Attachment

    owner = make_user(role=Role.FORCE_LIAISON, email="owner@example.org")
    officer = make_user(role=Role.OPCC_OFFICER, email="officer@example.org")
    users = [make_user(role=role) for role in Role]
    actions = [
        save_action(app, make_meeting(app, published=True), owner),
        save_action(app, make_meeting(app, published=True), officer, opcc_only=True),
    ]
    with app.app_context():
        for action in actions:
            for update_opcc_only in False, True:
                update = ActionUpdate(
                    action_id=action.id, author_id=officer.id, opcc_only=update_opcc_only
                )
                db.session.add(update)
                db.session.flush()
                db.session.add(
                    Attachment(
                        owner_kind=ACTION_UPDATE.name,
                        owner_id=update.id,
                        filename="x.pdf",
                        content_type="application/pdf",
                        size=1,
                        sha256="0" * 64,
                        uploaded_by_id=officer.id,
                    )
                )
        db.session.commit()
        for user in [*users, AnonymousUserMixin()]:
            for attachment in db.session.scalars(select(Attachment)):
                update = db.session.get(ActionUpdate, attachment.owner_id)
                expected = policy.can_see_update(user, update) and policy.is_signed_in(user)
                assert policy.can_view_attachment(user, attachment) is expected


# The A&A programme ----------------------------------------------------------------------


def _line(*, published=True, opcc_only=False, state=MeetingState.PLANNED, conclusion=""):
    meeting = Meeting(published=published, state=state, actions=[])
    return LineOfEnquiry(meeting=meeting, opcc_only=opcc_only, conclusion=conclusion)


LINE_CASES = [
    # (name, line, who may view, who may answer, who may conclude)
    ("published", _line(), SIGNED_IN, (*OPCC_STAFF, FORCE), OPCC_STAFF),
    ("unpublished", _line(published=False), (*OPCC_STAFF, FORCE), (*OPCC_STAFF, FORCE), OPCC_STAFF),
    ("OPCC only", _line(opcc_only=True), OPCC_STAFF, OPCC_STAFF, OPCC_STAFF),
    ("concluded", _line(conclusion="Concluded that"), SIGNED_IN, (), OPCC_STAFF),
    ("cancelled meeting", _line(state=MeetingState.CANCELLED), SIGNED_IN, (), ()),
]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("line", "viewers", "answerers", "concluders"),
    [case[1:] for case in LINE_CASES],
    ids=[case[0] for case in LINE_CASES],
)
def test_line_of_enquiry_rules(identity, line, viewers, answerers, concluders):
    user = person(identity)
    assert policy.can_view_line_of_enquiry(user, line) is (identity in viewers)
    assert policy.can_answer_line_of_enquiry(user, line) is (identity in answerers)
    assert policy.can_conclude_line_of_enquiry(user, line) is (identity in concluders)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("published", "meeting_published"), [(True, True), (True, False), (False, True)]
)
def test_can_view_public_question(identity, published, meeting_published):
    question = PublicQuestion(
        published=published, meeting=Meeting(published=meeting_published, actions=[])
    )
    if identity in OPCC_STAFF:
        expected = True
    elif identity == FORCE:
        expected = published
    elif identity == PANEL:
        expected = published and meeting_published
    else:
        expected = False
    assert policy.can_view_public_question(person(identity), question) is expected


def test_programme_visibility_clauses_agree_with_the_python_rules(app, make_user):
    from tests.factories import make_meeting

    with app.app_context():
        for published in True, False:
            meeting = make_meeting(app, published=published)
            for flag in True, False:
                db.session.add(LineOfEnquiry(meeting_id=meeting.id, question="q", opcc_only=flag))
                db.session.add(PublicQuestion(meeting_id=meeting.id, question="q", published=flag))
        db.session.commit()
    _check_sql_rule(
        app,
        make_user,
        policy.line_of_enquiry_visibility,
        LineOfEnquiry,
        policy.can_view_line_of_enquiry,
    )
    _check_sql_rule(
        app,
        make_user,
        policy.public_question_visibility,
        PublicQuestion,
        policy.can_view_public_question,
    )


# The Panel's business ----------------------------------------------------------------------


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("state", list(PanelMatterState))
def test_can_record_pcc_response_until_the_panel_concludes(identity, state):
    item = PanelItem(matter_state=state, published=True)
    expected = identity in OPCC_STAFF and state != PanelMatterState.CONCLUDED
    assert policy.can_record_pcc_response(person(identity), item) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("published", [True, False])
def test_only_the_clerk_concludes_a_panel_item_it_can_see(identity, published):
    item = PanelItem(published=published, actions=[])
    expected = identity == PANEL and published
    assert policy.can_conclude_panel_item(person(identity), item) is expected


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(
    ("model", "rule"),
    [
        (PanelItem, "can_record_panel_business"),
        (PanelMeeting, "can_record_panel_business"),
        (Meeting, "can_edit_source"),
        (AdhocRequest, "can_edit_source"),
        (HmicfrsReport, "can_edit_source"),
        (Finding, "can_edit_source"),
    ],
)
def test_can_change_source_is_the_panel_rule_for_panel_business(identity, model, rule):
    user = person(identity)
    assert policy.can_change_source(user, model) is getattr(policy, rule)(user)


def test_the_force_never_records_panel_business():
    force = person(FORCE)
    assert not policy.can_change_source(force, PanelItem)
    assert not policy.can_change_source(force, PanelMeeting)
    assert not policy.can_view_source(force, PanelMeeting(published=True))


# Completeness ---------------------------------------------------------------------------

TESTED = {
    *ROLE_RULES,
    "can_view_action",
    "can_view_action_values",
    "can_see_update",
    "side_for",
    "can_add_update",
    "can_edit_action",
    "can_decide_extension",
    "can_publish_to_panel",
    "can_transition",
    "can_request_extension",
    "can_edit_update",
    "can_view_report_job",
    "can_change_user",
    "can_view_source",
    "source_visibility",
    "action_visibility",
    "update_visibility",
    "can_view_asks",
    "can_write_response",
    "can_review_response",
    "can_see_response",
    "can_view_s55",
    "can_view_attachment",
    "can_replace_attachment",
    "can_view_line_of_enquiry",
    "line_of_enquiry_visibility",
    "can_answer_line_of_enquiry",
    "can_conclude_line_of_enquiry",
    "can_view_public_question",
    "public_question_visibility",
    "can_view_publication_register",
    "can_manage_publications",
    "can_record_pcc_response",
    "can_conclude_panel_item",
    "can_change_source",
}


def test_every_public_policy_function_has_a_test():
    public = {
        name
        for name, value in vars(policy).items()
        if inspect.isfunction(value)
        and value.__module__ == policy.__name__
        and not name.startswith("_")
    }
    assert public - TESTED == set(), "add a test above and name the function in TESTED"
    assert TESTED - public == set(), "TESTED names a function policy no longer has"
