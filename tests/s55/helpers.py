"""Building the issue's scenario: a report with two recommendations and an AFI, actions
with updates, and the force's comments submitted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from tests.conftest import csrf_token_from
from tests.factories import london_today, make_action, make_finding, make_report
from tracker.actions.models import ActionUpdate
from tracker.db import db
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import FindingKind


@dataclass
class Scenario:
    report_id: int
    recommendations: list[int]
    afi_id: int


def build_scenario(app, owner, *, published_days_ago: int = 20) -> Scenario:
    """The report, its findings and actions, and the force's submitted comments."""
    report = make_report(
        app,
        title="PEEL inspection Marigold",
        published_on=london_today() - timedelta(days=published_days_ago),
    )
    first = make_finding(app, report, reference="R1", text="Improve call handling Juniper")
    second = make_finding(app, report, reference="R2", text="Improve vetting Hawthorn")
    afi = make_finding(
        app,
        report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        reference="AFI1",
        text="Improve training Sorrel",
    )
    one = make_action(app, first, owner, title="Recruit call handlers Quince", lead_role="ACC")
    make_action(app, first, owner, title="Buy new telephony Rowan")
    make_action(app, afi, owner, title="Training plan Alder")
    with app.app_context():
        db.session.add(
            ActionUpdate(action_id=one.id, author_id=owner.id, text="Twelve recruited Tamarind")
        )
        db.session.add(
            WrittenResponse(
                hmicfrs_report_id=report.id,
                number=1,
                text="The Chief Constable welcomes the report Cardamom",
                state=ResponseState.SUBMITTED,
                submitted_at=db.func.now(),
                submitted_on=london_today(),
            )
        )
        db.session.commit()
    return Scenario(report.id, [first.id, second.id], afi.id)


def version_of(page: str) -> str:
    found = re.search(r'<input[^>]*name="version"[^>]*value="([^"]*)"', page)
    assert found, "no version field on the page"
    return found.group(1)


def post_step(client, report_id: int, step: str, **fields) -> object:
    """POST a step from the response page, with its CSRF token and version."""
    page = client.get(f"/hmicfrs/{report_id}/s55").text
    data = {"csrf_token": csrf_token_from(page), "version": version_of(page), **fields}
    return client.post(f"/hmicfrs/{report_id}/s55/{step}", data=data)


def date_fields(prefix: str, day) -> dict[str, str]:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}
