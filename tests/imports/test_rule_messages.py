"""The import reports the rules' messages (tracker.actions.rules, tracker.sources.rules),
word for word as the forms show them, against the row and the column of the field."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_finding, make_meeting, make_report
from tests.imports.conftest import csv_bytes
from tracker.actions import rules
from tracker.sources import rules as rules_sources
from tracker.sources.models import FindingKind


def _import_issues(html: str) -> list[tuple[str, str, str]]:
    """(row, column, message) for each issue row of the import preview tables."""
    cells = re.compile(r'<td class="govuk-table__cell">(.*?)</td>', re.S)
    issues = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S):
        values = [re.sub(r"\s+", " ", c).strip() for c in cells.findall(row)]
        if len(values) == 3:
            issues.append(tuple(values))
    return issues


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["Early", "Meeting A", "{liaison}", "5/6/23", "1/6/23", "no"], "due_on", "DUE"),
        (["Secret", "Meeting A", "{liaison}", "5/6/23", "1/12/23", "yes"], "opcc_only", "ONLY"),
    ],
)
def test_import_reports_the_same_message_against_row_and_column(
    app, login_as, officer, liaison, upload_and_check, row, column, message
):
    make_meeting(app, title="Meeting A")
    login_as(officer)
    expected = {"DUE": rules.DUE_BEFORE_RAISED, "ONLY": rules.FORCE_OWNED_OPCC_ONLY}[message]
    content = csv_bytes(
        [
            ["title", "source", "owner", "raised_on", "due_on", "opcc_only"],
            [value.format(liaison=liaison.email) for value in row],
        ]
    )
    _batch_id, page = upload_and_check(content, "log.csv")
    assert ("2", column, expected) in _import_issues(page.text), _import_issues(page.text)


def test_import_reports_the_finding_parent_rule_like_the_form(
    app, login_as, officer, upload_and_check
):
    report = make_report(app)
    make_finding(app, report, reference="CoC1", kind=FindingKind.CAUSE_OF_CONCERN)
    login_as(officer)
    content = csv_bytes([["reference", "text", "cause_of_concern"], ["CoC2", "Text", "CoC1"]])
    _batch_id, page = upload_and_check(content, "f.csv", target="findings", report_id=report.id)
    expected = rules_sources.check_finding_parent(
        FindingKind.CAUSE_OF_CONCERN,
        rules_sources.ParentChoice("CoC1", FindingKind.CAUSE_OF_CONCERN),
    )["parent_id"]
    assert ("2", "cause_of_concern", expected) in _import_issues(page.text)


def test_import_reports_the_panel_response_rule_like_the_form(
    app, login_as, officer, upload_and_check
):
    login_as(officer)
    content = csv_bytes(
        [
            ["panel_meeting_on", "text", "pcc_response", "pcc_response_on"],
            ["27/7/2023", "How many officers?", "Answered", "1/7/2023"],
        ]
    )
    _batch_id, page = upload_and_check(content, "p.csv", target="panel_items")
    message = (
        "Date of the PCC&#39;s response must be the same as or after the date of the Panel meeting"
    )
    assert ("2", "pcc_response_on", message) in _import_issues(page.text)
