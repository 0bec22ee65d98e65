"""Realistic sample data for demonstrations, built from public West Mercia papers (2022-23).

Everything goes through the real services, so the audit trail and the update
timelines look as they would in use. Source dates are the real ones; action due
dates are set relative to `today` so every RAG colour shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.actions import services as actions
from tracker.actions.models import ActionStatus, Marking, Rag, Tag
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.sources import services as sources
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    Meeting,
    MeetingKind,
    PanelItem,
    PanelItemKind,
    ReportScope,
    ReportType,
    RequestStatus,
)


@dataclass(frozen=True)
class Cast:
    """The demo users who own, update and assure actions."""

    officer: User
    liaison: User


def _tags(*names: str) -> list[Tag]:
    return list(db.session.scalars(select(Tag).where(Tag.name.in_(names))))


def _action(
    source,
    cast: Cast,
    title: str,
    *,
    owner: User | None = None,
    due_in: int,
    raised: date,
    description: str = "",
    lead_role: str = "",
    tags: tuple[str, ...] = (),
    marking: Marking = Marking.OFFICIAL,
    opcc_only: bool = False,
    today: date,
):
    owner = owner or cast.liaison
    details = actions.ActionDetails(
        title=title,
        description=description,
        owner=owner,
        owning_organisation=owner.organisation
        if owner.organisation == Organisation.FORCE
        else Organisation.OPCC,
        lead_role=lead_role,
        raised_on=raised,
        due_on=max(today + timedelta(days=due_in), raised),
        marking=marking,
        opcc_only=opcc_only,
        opcc_note="",
        tags=_tags(*tags),
    )
    return actions.create_action(source, details, by=cast.officer)


def _progress(action, cast: Cast, today: date, *, to: ActionStatus, update: str = "") -> None:
    """Walk an action along the state machine to `to`, as the force and OPCC would."""
    if update:
        actions.add_update(
            action,
            by=cast.liaison if action.owning_organisation == Organisation.FORCE else cast.officer,
            text=update,
            rag=Rag.AMBER,
        )
    side = cast.liaison if action.owning_organisation == Organisation.FORCE else cast.officer
    path = {
        ActionStatus.OPEN: [],
        ActionStatus.IN_PROGRESS: [(ActionStatus.IN_PROGRESS, side, "")],
        ActionStatus.IMPLEMENTED: [
            (ActionStatus.IN_PROGRESS, side, ""),
            (ActionStatus.IMPLEMENTED, side, "Evidence submitted to the OPCC"),
        ],
        ActionStatus.CLOSED: [
            (ActionStatus.IN_PROGRESS, side, ""),
            (ActionStatus.IMPLEMENTED, side, "Evidence submitted to the OPCC"),
            (ActionStatus.CLOSED, cast.officer, "Assured at the A&A meeting"),
        ],
    }[to]
    for target, by, note in path:
        actions.transition(action, target, by=by, note=note, today=today)


def seed_sample_data(cast: Cast, today: date) -> dict[str, int]:
    """Create the sample sources and actions once; returns what was created."""
    if db.session.scalar(select(func.count(Meeting.id))):
        return {}
    officer = cast.officer

    def meeting(kind, held_on, title, themes, published=True):
        return sources.create_source(
            Meeting,
            {
                "kind": kind,
                "held_on": held_on,
                "title": title,
                "themes": themes,
                "chair": "Police and Crime Commissioner",
                "attendees": "PCC, Deputy PCC, Chief Executive, "
                "Chief Constable, Deputy Chief Constable",
                "minutes_url": "",
                "published": published,
            },
            by=officer,
        )

    q4 = meeting(
        MeetingKind.PERFORMANCE,
        date(2023, 6, 5),
        "Quarterly performance meeting: Q4 2022/23",
        "Victims\nPEEL 2021/22 progress\nDomestic abuse protection notices and orders",
    )
    maa = meeting(
        MeetingKind.THEMATIC,
        date(2023, 6, 29),
        "Thematic meeting: Most Appropriate Agency and Victim Advice Line",
        "Most Appropriate Agency (MAA)\nVictim Advice Line (VAL)",
    )
    public = meeting(
        MeetingKind.PUBLIC,
        date(2023, 7, 28),
        "Public meeting: police visibility and contact",
        "Police visibility\nContact and 101\n140+ public questions",
    )
    q1 = meeting(
        MeetingKind.PERFORMANCE,
        date(2023, 8, 31),
        "Quarterly performance meeting: Q1 2023/24",
        "Public confidence\n101 call handling\nVictims' code compliance\nRoad safety\n"
        "National policing priorities\nHMICFRS AFIs on vetting, misconduct and misogyny",
        published=False,
    )

    made = [
        _action(
            q4,
            cast,
            "Set up a joint working group to review the victims needs assessment",
            due_in=-21,
            raised=q4.held_on,
            lead_role="ACC Local Policing",
            tags=("Putting victims and survivors first",),
            today=today,
        ),
        _action(
            q4,
            cast,
            "Report progress on PEEL 2021/22 areas for improvement",
            due_in=5,
            raised=q4.held_on,
            lead_role="Deputy Chief Constable",
            today=today,
        ),
        _action(
            maa,
            cast,
            "Review Victim Advice Line governance, oversight and performance monitoring",
            due_in=40,
            raised=maa.held_on,
            tags=("Putting victims and survivors first",),
            today=today,
        ),
        _action(
            maa,
            cast,
            "Give further assurance on MAA governance and the impact on safeguarding",
            due_in=-6,
            raised=maa.held_on,
            lead_role="ACC Crime and Vulnerability",
            today=today,
        ),
        _action(
            public,
            cast,
            "Publish local neighbourhood team contact details for each policing area",
            due_in=12,
            raised=public.held_on,
            tags=("Reassuring West Mercia's communities",),
            today=today,
        ),
        _action(
            q1,
            cast,
            "Publish a statement on the force's contribution to the national policing priorities",
            owner=officer,
            due_in=-2,
            raised=q1.held_on,
            today=today,
        ),
        _action(
            q1,
            cast,
            "Explain the 101 call handling recovery plan and its milestones",
            due_in=60,
            raised=q1.held_on,
            tags=("Reforming West Mercia",),
            today=today,
        ),
        _action(
            q1,
            cast,
            "Brief the PCC on vetting, misconduct and misogyny AFIs",
            due_in=25,
            raised=q1.held_on,
            marking=Marking.OFFICIAL_SENSITIVE,
            today=today,
        ),
        _action(
            q1,
            cast,
            "Chief Executive to review the OPCC's own assurance on road safety spending",
            owner=officer,
            due_in=30,
            raised=q1.held_on,
            opcc_only=True,
            today=today,
        ),
    ]
    _progress(
        made[0],
        cast,
        today,
        to=ActionStatus.IN_PROGRESS,
        update="Terms of reference agreed; first meeting booked.",
    )
    _progress(
        made[1],
        cast,
        today,
        to=ActionStatus.IMPLEMENTED,
        update="Progress report drafted for the next A&A meeting.",
    )
    _progress(made[2], cast, today, to=ActionStatus.CLOSED)
    _progress(made[3], cast, today, to=ActionStatus.IN_PROGRESS)

    requests = []
    for subject, sent_on, status, response in (
        (
            "Crime and public confidence in Pershore",
            date(2023, 6, 12),
            RequestStatus.RECEIVED,
            "The Safer Neighbourhood Team has increased patrols and holds monthly surgeries.",
        ),
        (
            "Herefordshire Council Families Commission report 'Listening to the Families'",
            date(2023, 7, 3),
            RequestStatus.FOLLOW_UP,
            "The force welcomes the report and is reviewing it.",
        ),
        (
            "Most Appropriate Agency policy and the impact on safeguarding",
            date(2023, 7, 20),
            RequestStatus.CLOSED,
            "Safeguarding referrals are monitored weekly by the MAA board.",
        ),
        ("Safer Neighbourhood Team abstractions", date(2023, 8, 14), RequestStatus.AWAITING, ""),
    ):
        fields = {
            "subject": subject,
            "detail": "",
            "sent_on": sent_on,
            "recipient": "Chief Constable",
            "author_id": officer.id,
            **sources.adhoc_due_fields(sent_on, None, ""),
        }
        if response:
            fields.update(
                response=response,
                status=status,
                response_received_on=fields["response_due_on"] - timedelta(days=2),
            )
        requests.append(sources.create_source(AdhocRequest, fields, by=officer))
    made.append(
        _action(
            requests[1],
            cast,
            "Set out the force's response to 'Listening to the Families'",
            due_in=-35,
            raised=date(2023, 7, 20),
            lead_role="Head of Public Protection",
            tags=("Herefordshire",),
            today=today,
        )
    )
    made.append(
        _action(
            requests[0],
            cast,
            "Report SNT patrol hours in Pershore for three months",
            due_in=3,
            raised=date(2023, 6, 26),
            tags=("South Worcestershire",),
            today=today,
        )
    )

    panel_date = date(2023, 7, 27)
    panel_items = []
    for kind, text in (
        (PanelItemKind.INFORMATION, "Details of how many of the 500 new officers are front line"),
        (
            PanelItemKind.INFORMATION,
            "A report in February on the outcomes of the investment in technology",
        ),
        (
            PanelItemKind.RECOMMENDATION,
            "Include comparative figures from previous years in future annual reports",
        ),
        (PanelItemKind.INFORMATION, "Most-similar-group comparisons for robbery and burglary"),
        (PanelItemKind.INFORMATION, "A report on ethical crime recording if the Panel wishes"),
        (PanelItemKind.INFORMATION, "A progress update on force diversity over five years"),
        (
            PanelItemKind.ANNUAL_REPORT,
            "Expand the equality implications and financial management sections of reports",
        ),
        (
            PanelItemKind.RECOMMENDATION,
            "Consider how the lived experience of domestic abuse could be conveyed to the public",
        ),
        (
            PanelItemKind.INFORMATION,
            "The Chairman to write to all councils about the Most Appropriate Agency",
        ),
    ):
        panel_items.append(
            sources.create_source(
                PanelItem,
                {
                    "panel_meeting_on": panel_date,
                    "agenda_item": "PCC's annual report 2022/23",
                    "kind": kind,
                    "text": text,
                    "response_due_on": date(2023, 9, 26),
                    "pcc_response": "",
                    "pcc_response_on": None,
                    "published": True,
                },
                by=officer,
            )
        )
    panel_actions = [
        _action(
            panel_items[0],
            cast,
            "Provide the number of front-line officers among the 500 recruits",
            due_in=-10,
            raised=panel_date,
            owner=officer,
            today=today,
        ),
        _action(
            panel_items[1],
            cast,
            "Prepare the February report on technology investment outcomes",
            due_in=45,
            raised=panel_date,
            owner=officer,
            today=today,
        ),
        _action(
            panel_items[2],
            cast,
            "Add previous years' figures to the 2023/24 annual report",
            due_in=9,
            raised=panel_date,
            owner=officer,
            today=today,
        ),
        _action(
            panel_items[3],
            cast,
            "Supply most-similar-group comparisons for robbery and burglary",
            due_in=20,
            raised=panel_date,
            today=today,
        ),
        _action(
            panel_items[5],
            cast,
            "Report force diversity figures for the last five years",
            due_in=-3,
            raised=panel_date,
            today=today,
        ),
    ]
    _progress(
        panel_actions[0],
        cast,
        today,
        to=ActionStatus.IN_PROGRESS,
        update="Figures requested from the force's workforce planning team.",
    )
    _progress(panel_actions[3], cast, today, to=ActionStatus.CLOSED)
    made += panel_actions

    reports = []
    for code, title, report_type, scope, published_on in (
        (
            "PEEL22",
            "PEEL 2021/22: an inspection of West Mercia Police",
            ReportType.PEEL,
            ReportScope.FORCE,
            date(2022, 6, 15),
        ),
        (
            "VETT22",
            "Vetting and counter-corruption arrangements in West Mercia Police",
            ReportType.OTHER,
            ReportScope.FORCE,
            date(2022, 11, 17),
        ),
        (
            "CUST23",
            "Joint unannounced inspection of police custody suites",
            ReportType.JOINT,
            ReportScope.FORCE,
            date(2023, 3, 14),
        ),
        (
            "FIRE23",
            "Police deployment of firearms",
            ReportType.THEMATIC,
            ReportScope.NATIONAL,
            date(2023, 7, 11),
        ),
        (
            "GRIP23",
            "Police performance: getting a grip (PEEL spotlight)",
            ReportType.THEMATIC,
            ReportScope.NATIONAL,
            date(2023, 7, 13),
        ),
        (
            "HOMI23",
            "The police contribution to the prevention of homicide",
            ReportType.THEMATIC,
            ReportScope.NATIONAL,
            date(2023, 8, 24),
        ),
    ):
        comments = published_on + timedelta(days=50) if published_on.year == 2022 else None
        reports.append(
            sources.create_source(
                HmicfrsReport,
                {
                    "code": code,
                    "title": title,
                    "report_type": report_type,
                    "scope": scope,
                    "published_on": published_on,
                    "cc_comments_due_on": published_on + timedelta(days=35),
                    "comments_published_on": comments,
                    "comments_url": "",
                    "sent_to_hmicfrs_on": comments,
                    "sent_to_home_secretary_on": comments,
                    **sources.s55_fields(published_on),
                },
                by=officer,
            )
        )
    peel = reports[0]

    def finding(
        report, kind, reference, text, parent=None, status=InspectorateStatus.BEING_PROGRESSED
    ):
        return sources.create_source(
            Finding,
            {
                "report_id": report.id,
                "kind": kind,
                "reference": reference,
                "text": text,
                "parent_id": parent.id if parent else None,
                "inspectorate_status": status,
            },
            by=officer,
        )

    concern = finding(
        peel,
        FindingKind.CAUSE_OF_CONCERN,
        "CoC1",
        "The force does not always identify and record vulnerability at first contact.",
    )
    rec = finding(
        peel,
        FindingKind.RECOMMENDATION,
        "R1",
        "Within six months, the force should make sure call handlers identify vulnerability "
        "using a structured triage process.",
        parent=concern,
    )
    afi_dv = finding(
        peel,
        FindingKind.AREA_FOR_IMPROVEMENT,
        "AFI3",
        "The force should make better use of domestic violence protection notices and orders.",
        status=InspectorateStatus.SUBMITTED,
    )
    afi_rec = finding(
        peel,
        FindingKind.AREA_FOR_IMPROVEMENT,
        "AFI7",
        "The force should improve how it records crime for victims of anti-social behaviour.",
    )
    vet = finding(
        reports[1],
        FindingKind.RECOMMENDATION,
        "R2",
        "The force should make sure all officers and staff have the correct level of vetting.",
    )
    hm = [
        _action(
            rec,
            cast,
            "Introduce structured vulnerability triage in the contact centre",
            due_in=-45,
            raised=peel.published_on,
            lead_role="Head of Contact",
            today=today,
        ),
        _action(
            afi_dv,
            cast,
            "Increase the use of DVPNs and DVPOs",
            due_in=15,
            raised=peel.published_on,
            tags=("Improve victim satisfaction, with a focus on victims of domestic abuse",),
            today=today,
        ),
        _action(
            afi_rec,
            cast,
            "Audit anti-social behaviour crime recording",
            due_in=70,
            raised=peel.published_on,
            today=today,
        ),
        _action(
            vet,
            cast,
            "Complete outstanding vetting renewals",
            due_in=-1,
            raised=reports[1].published_on,
            marking=Marking.OFFICIAL_SENSITIVE,
            today=today,
        ),
    ]
    _progress(
        hm[0],
        cast,
        today,
        to=ActionStatus.IN_PROGRESS,
        update="Triage tool in pilot; full roll-out delayed by system procurement.",
    )
    _progress(
        hm[1],
        cast,
        today,
        to=ActionStatus.IMPLEMENTED,
        update="Use of DVPNs up 40% year on year; submitted to HMICFRS for sign-off.",
    )
    made += hm
    return {
        "meetings": 4,
        "adhoc requests": len(requests),
        "panel items": len(panel_items),
        "HMICFRS reports": len(reports),
        "actions": len(made),
    }
