"""The authorization matrix: for every endpoint and method, what each identity gets.

One line per (endpoint, method). The identities are, in order: anonymous, admin,
opcc_officer, force_liaison, panel_clerk and deactivated (an administrator who signed
in and was then deactivated). Outcomes:

- "ok": 2xx, or a redirect that is not to the sign-in page. For POST also 400 and 409
  (the minimal body the test sends is refused with the form shown again).
- "public": the same as "ok", for someone who is not signed in: the page is public.
- "login": a redirect to the sign-in page (which will return to the page asked for).
- "signed_out": a redirect to the sign-in page after signing out (no return address).
- "forbidden": 403.
- "hidden": 404 (the record exists but the user may not know it does).

URL parameters are filled from the world in tests/security/world.py (`url_values`).
To declare a new endpoint, add one line here, usually with one of the shorthands.
"""

from __future__ import annotations

from typing import NamedTuple

OK = "ok"
PUBLIC = "public"
LOGIN = "login"
SIGNED_OUT = "signed_out"
FORBIDDEN = "forbidden"
HIDDEN = "hidden"
OUTCOMES = (OK, PUBLIC, LOGIN, SIGNED_OUT, FORBIDDEN, HIDDEN)


class Expect(NamedTuple):
    """The outcome for each identity (the field order is IDENTITIES in world.py)."""

    anonymous: str
    admin: str
    opcc_officer: str
    force_liaison: str
    panel_clerk: str
    deactivated: str


# Shorthands for the common rows.
PUBLIC_PAGE = Expect(PUBLIC, OK, OK, OK, OK, PUBLIC)
SIGNED_IN = Expect(LOGIN, OK, OK, OK, OK, LOGIN)
OPCC_STAFF = Expect(LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, LOGIN)
ADMIN_ONLY = Expect(LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, LOGIN)
# Acting on an action: OPCC staff and the force; the Panel may read it but not act.
OPCC_AND_FORCE = Expect(LOGIN, OK, OK, OK, FORBIDDEN, LOGIN)
# A record the Panel never sees (ad-hoc requests): hidden from the clerk.
NOT_PANEL = Expect(LOGIN, OK, OK, OK, HIDDEN, LOGIN)
# Writing the Chief Constable's response: the force only (the Panel never sees requests).
FORCE_WRITES_REQUEST = Expect(LOGIN, FORBIDDEN, FORBIDDEN, OK, HIDDEN, LOGIN)
# Reviewing it: OPCC staff.
OPCC_REVIEWS_REQUEST = Expect(LOGIN, OK, OK, FORBIDDEN, HIDDEN, LOGIN)
# The same on an HMICFRS report, which the Panel may see but not answer or review.
FORCE_WRITES_REPORT = Expect(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN)
FORCE_ONLY = FORCE_WRITES_REPORT
# The Panel's business: its clerk and OPCC staff record and see it; the force has no part.
PANEL_BUSINESS = Expect(LOGIN, OK, OK, FORBIDDEN, OK, LOGIN)
# What the Panel decided about a response: its clerk records it.
PANEL_CLERK_ONLY = Expect(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, LOGIN)
# Correcting an update: only its author (the world's update is the force liaison's).
AUTHOR_ONLY = Expect(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN)
SIGN_OUT = Expect(LOGIN, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, LOGIN)
# Someone else's record that nobody else may know of (the world's report job).
OWNER_ONLY_NOT_MINE = Expect(LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, LOGIN)
# The statutory calendar: the OPCC and the Panel; the force is refused the list and
# never learns a record exists. Each side records its own steps.
STATUTORY_LIST = Expect(LOGIN, OK, OK, FORBIDDEN, OK, LOGIN)
STATUTORY_RECORD = Expect(LOGIN, OK, OK, HIDDEN, OK, LOGIN)
STATUTORY_PCC_SIDE = Expect(LOGIN, OK, OK, HIDDEN, FORBIDDEN, LOGIN)
STATUTORY_PANEL_SIDE = Expect(LOGIN, FORBIDDEN, FORBIDDEN, HIDDEN, OK, LOGIN)

# The publication register: OPCC staff; nobody else learns a publication record exists.
PUBLICATION_RECORD = Expect(LOGIN, OK, OK, HIDDEN, HIDDEN, LOGIN)

GET, POST = "GET", "POST"

MATRIX: dict[tuple[str, str], Expect] = {
    # Actions
    ("actions.index", GET): SIGNED_IN,
    ("actions.dashboard", GET): SIGNED_IN,
    ("actions.export", GET): SIGNED_IN,
    ("actions.show", GET): SIGNED_IN,
    ("actions.new", GET): OPCC_STAFF,
    ("actions.new", POST): OPCC_STAFF,
    ("actions.edit", GET): OPCC_STAFF,
    ("actions.edit", POST): OPCC_STAFF,
    ("actions.change_status", POST): OPCC_AND_FORCE,
    ("actions.add_update", POST): OPCC_AND_FORCE,
    ("actions.publish_to_panel", POST): OPCC_STAFF,
    ("actions.correct_update", GET): AUTHOR_ONLY,
    ("actions.correct_update", POST): AUTHOR_ONLY,
    ("actions.request_extension", POST): OPCC_AND_FORCE,
    ("actions.decide_extension", POST): OPCC_STAFF,
    # The world's file is on the force liaison's update to an action every role sees.
    ("attachments.download", GET): SIGNED_IN,
    # Replacing: its uploader (the force liaison) or OPCC staff; the Panel may only read.
    ("attachments.replace", GET): OPCC_AND_FORCE,
    ("attachments.replace", POST): OPCC_AND_FORCE,
    # Ad-hoc requests
    ("adhoc_requests.index", GET): SIGNED_IN,
    ("adhoc_requests.show", GET): NOT_PANEL,
    ("adhoc_requests.new", GET): OPCC_STAFF,
    ("adhoc_requests.new", POST): OPCC_STAFF,
    ("adhoc_requests.edit", GET): OPCC_STAFF,
    ("adhoc_requests.edit", POST): OPCC_STAFF,
    ("adhoc_requests.record_response", GET): OPCC_STAFF,
    ("adhoc_requests.record_response", POST): OPCC_STAFF,
    # Written responses (the world's request and report have none submitted: the review
    # page and its buttons send OPCC staff back to the record)
    ("responses.request_draft", GET): FORCE_WRITES_REQUEST,
    ("responses.request_draft", POST): FORCE_WRITES_REQUEST,
    ("responses.request_review", GET): OPCC_REVIEWS_REQUEST,
    ("responses.request_accept", POST): OPCC_REVIEWS_REQUEST,
    ("responses.request_send_back", POST): OPCC_REVIEWS_REQUEST,
    ("responses.report_draft", GET): FORCE_WRITES_REPORT,
    ("responses.report_draft", POST): FORCE_WRITES_REPORT,
    ("responses.report_review", GET): OPCC_STAFF,
    ("responses.report_accept", POST): OPCC_STAFF,
    ("responses.report_send_back", POST): OPCC_STAFF,
    # What the OPCC has asked for: the force's page
    ("asks.index", GET): FORCE_ONLY,
    # Audit trail
    ("audit.index", GET): OPCC_STAFF,
    ("audit.integrity", GET): ADMIN_ONLY,
    ("audit.integrity", POST): ADMIN_ONLY,
    # Accounts
    ("auth.login", GET): PUBLIC_PAGE,
    ("auth.login", POST): PUBLIC_PAGE,
    ("auth.logout", POST): SIGN_OUT,
    ("auth.forgot_password", GET): PUBLIC_PAGE,
    ("auth.forgot_password", POST): PUBLIC_PAGE,
    ("auth.reset_password", GET): PUBLIC_PAGE,
    ("auth.reset_password", POST): PUBLIC_PAGE,
    ("auth.accept_invite", GET): PUBLIC_PAGE,
    ("auth.accept_invite", POST): PUBLIC_PAGE,
    ("auth.change_password", GET): SIGNED_IN,
    ("auth.change_password", POST): SIGNED_IN,
    ("auth.keep_alive", POST): SIGNED_IN,
    # HMICFRS reports and findings
    # The PCC's s.55 response (the world's report has none: the force and the Panel see
    # only a published one; the edit page and downloads send OPCC staff to the response)
    ("s55.show", GET): OPCC_STAFF,
    ("s55.pdf", GET): OPCC_STAFF,
    ("s55.docx", GET): OPCC_STAFF,
    ("s55.draft", POST): OPCC_STAFF,
    ("s55.edit", GET): OPCC_STAFF,
    ("s55.edit", POST): OPCC_STAFF,
    ("s55.submit", POST): OPCC_STAFF,
    ("s55.approve", POST): ADMIN_ONLY,
    ("s55.publish", POST): OPCC_STAFF,
    ("s55.sent", POST): OPCC_STAFF,
    ("hmicfrs.index", GET): SIGNED_IN,
    ("hmicfrs.show", GET): SIGNED_IN,
    ("hmicfrs.new", GET): OPCC_STAFF,
    ("hmicfrs.new", POST): OPCC_STAFF,
    ("hmicfrs.edit", GET): OPCC_STAFF,
    ("hmicfrs.edit", POST): OPCC_STAFF,
    ("hmicfrs.new_finding", GET): OPCC_STAFF,
    ("hmicfrs.new_finding", POST): OPCC_STAFF,
    ("hmicfrs.edit_finding", GET): OPCC_STAFF,
    ("hmicfrs.edit_finding", POST): OPCC_STAFF,
    # Spreadsheet imports
    ("imports.index", GET): OPCC_STAFF,
    ("imports.new", GET): OPCC_STAFF,
    ("imports.new", POST): OPCC_STAFF,
    ("imports.paste_findings", GET): OPCC_STAFF,
    ("imports.paste_findings", POST): OPCC_STAFF,
    ("imports.template", GET): OPCC_STAFF,
    ("imports.show", GET): OPCC_STAFF,
    ("imports.mapping", GET): OPCC_STAFF,
    ("imports.mapping", POST): OPCC_STAFF,
    ("imports.commit", POST): OPCC_STAFF,
    ("imports.discard", POST): OPCC_STAFF,
    ("imports.undo", POST): OPCC_STAFF,
    # Calendar feeds: the private feed opens by the secret in its address (the world's
    # is the force liaison's), whoever asks; tests/calendar covers unknown secrets.
    ("calendar.account", GET): SIGNED_IN,
    ("calendar.reset", POST): SIGNED_IN,
    ("calendar.feed", GET): PUBLIC_PAGE,
    ("calendar.timetable", GET): PUBLIC_PAGE,
    # Home and health
    ("main.home", GET): SIGNED_IN,
    ("main.help", GET): SIGNED_IN,
    ("main.healthz", GET): PUBLIC_PAGE,
    ("main.accessibility", GET): PUBLIC_PAGE,
    ("main.privacy", GET): PUBLIC_PAGE,
    # A monitor's bearer token also opens it (tests/main/test_health.py).
    ("main.healthz_detail", GET): ADMIN_ONLY,
    # A&A meetings
    ("meetings.index", GET): SIGNED_IN,
    ("meetings.show", GET): SIGNED_IN,
    ("meetings.new", GET): OPCC_STAFF,
    ("meetings.new", POST): OPCC_STAFF,
    ("meetings.edit", GET): OPCC_STAFF,
    ("meetings.edit", POST): OPCC_STAFF,
    ("programme.timetable", GET): SIGNED_IN,
    ("programme.record_held", POST): OPCC_STAFF,
    ("programme.cancel", GET): OPCC_STAFF,
    ("programme.cancel", POST): OPCC_STAFF,
    ("programme.papers", GET): OPCC_STAFF,
    ("programme.papers", POST): OPCC_STAFF,
    ("programme.new_line", GET): OPCC_STAFF,
    ("programme.new_line", POST): OPCC_STAFF,
    ("programme.edit_line", GET): OPCC_STAFF,
    ("programme.edit_line", POST): OPCC_STAFF,
    # The force answers; the Panel may read the line (published meeting) but not answer.
    ("programme.answer_line", GET): OPCC_AND_FORCE,
    ("programme.answer_line", POST): OPCC_AND_FORCE,
    ("programme.conclude_line", GET): OPCC_STAFF,
    ("programme.conclude_line", POST): OPCC_STAFF,
    ("programme.new_public_question", GET): OPCC_STAFF,
    ("programme.new_public_question", POST): OPCC_STAFF,
    ("programme.edit_public_question", GET): OPCC_STAFF,
    ("programme.edit_public_question", POST): OPCC_STAFF,
    ("programme.bring_action", GET): OPCC_STAFF,
    ("programme.bring_action", POST): OPCC_STAFF,
    ("programme.remove_brought", POST): OPCC_STAFF,
    ("programme.kinds", GET): ADMIN_ONLY,
    ("programme.kinds", POST): ADMIN_ONLY,
    ("programme.rename_kind", GET): ADMIN_ONLY,
    ("programme.rename_kind", POST): ADMIN_ONLY,
    ("programme.retire_kind", POST): ADMIN_ONLY,
    ("programme.restore_kind", POST): ADMIN_ONLY,
    ("programme.delete_kind", POST): ADMIN_ONLY,
    # Police and Crime Panel items
    ("panel_items.index", GET): SIGNED_IN,
    ("panel_items.show", GET): SIGNED_IN,
    ("panel_items.new", GET): PANEL_BUSINESS,
    ("panel_items.new", POST): PANEL_BUSINESS,
    ("panel_items.edit", GET): PANEL_BUSINESS,
    ("panel_items.edit", POST): PANEL_BUSINESS,
    ("panel_items.response", GET): OPCC_STAFF,
    ("panel_items.response", POST): OPCC_STAFF,
    ("panel_items.conclusion", GET): PANEL_CLERK_ONLY,
    ("panel_items.conclusion", POST): PANEL_CLERK_ONLY,
    ("panel_items.meetings", GET): PANEL_BUSINESS,
    ("panel_items.meeting", GET): PANEL_BUSINESS,
    ("panel_items.new_meeting", GET): PANEL_BUSINESS,
    ("panel_items.new_meeting", POST): PANEL_BUSINESS,
    ("panel_items.edit_meeting", GET): PANEL_BUSINESS,
    ("panel_items.edit_meeting", POST): PANEL_BUSINESS,
    ("panel_items.programme", GET): PANEL_BUSINESS,
    ("panel_items.new_topic", GET): PANEL_BUSINESS,
    ("panel_items.new_topic", POST): PANEL_BUSINESS,
    ("panel_items.edit_topic", GET): PANEL_BUSINESS,
    ("panel_items.edit_topic", POST): PANEL_BUSINESS,
    # Reminders
    ("reminders.preferences", GET): SIGNED_IN,
    ("reminders.preferences", POST): SIGNED_IN,
    ("reminders.outbox", GET): ADMIN_ONLY,
    ("reminders.message", GET): ADMIN_ONLY,
    ("reminders.resend_message", POST): ADMIN_ONLY,
    # Reports and exports
    ("reports.index", GET): SIGNED_IN,
    ("reports.export_sources", GET): SIGNED_IN,
    ("reports.panel", GET): SIGNED_IN,
    ("reports.panel_pdf", GET): SIGNED_IN,
    ("reports.panel_docx", GET): SIGNED_IN,
    ("reports.programme_pdf", GET): PANEL_BUSINESS,
    ("reports.programme_docx", GET): PANEL_BUSINESS,
    ("reports.matters", GET): SIGNED_IN,
    ("reports.matters_pdf", GET): SIGNED_IN,
    ("reports.hmicfrs", GET): SIGNED_IN,
    ("reports.hmicfrs_pdf", GET): SIGNED_IN,
    ("reports.actions", GET): SIGNED_IN,
    ("reports.actions_pdf", GET): SIGNED_IN,
    ("reports.create_job", POST): SIGNED_IN,
    ("reports.job_list", GET): SIGNED_IN,
    ("reports.job", GET): OWNER_ONLY_NOT_MINE,
    ("reports.job_status", GET): OWNER_ONLY_NOT_MINE,
    ("reports.job_download", GET): OWNER_ONLY_NOT_MINE,
    ("reports.job_retry", POST): OWNER_ONLY_NOT_MINE,
    # Search everything
    ("search.index", GET): SIGNED_IN,
    # Settings and reference lists
    ("settings.index", GET): ADMIN_ONLY,
    ("settings.edit_setting", GET): ADMIN_ONLY,
    ("settings.edit_setting", POST): ADMIN_ONLY,
    ("settings.new_tag", GET): ADMIN_ONLY,
    ("settings.new_tag", POST): ADMIN_ONLY,
    ("settings.edit_tag", GET): ADMIN_ONLY,
    ("settings.edit_tag", POST): ADMIN_ONLY,
    ("settings.retire_tag", POST): ADMIN_ONLY,
    ("settings.restore_tag", POST): ADMIN_ONLY,
    # Statutory calendar
    # The publication register and the public pages
    ("publication.index", GET): OPCC_STAFF,
    ("publication.new", GET): OPCC_STAFF,
    ("publication.new", POST): OPCC_STAFF,
    ("publication.show", GET): PUBLICATION_RECORD,
    ("publication.edit", GET): PUBLICATION_RECORD,
    ("publication.edit", POST): PUBLICATION_RECORD,
    ("public.index", GET): PUBLIC_PAGE,
    ("public.meetings", GET): PUBLIC_PAGE,
    ("public.meeting", GET): PUBLIC_PAGE,
    ("public.panel", GET): PUBLIC_PAGE,
    ("public.s55", GET): PUBLIC_PAGE,
    ("public.publications", GET): PUBLIC_PAGE,
    ("public.timetable", GET): PUBLIC_PAGE,
    ("public.feed", GET): PUBLIC_PAGE,
    ("statutory.index", GET): STATUTORY_LIST,
    ("statutory.new_precept", GET): OPCC_STAFF,
    ("statutory.new_precept", POST): OPCC_STAFF,
    ("statutory.precept", GET): STATUTORY_RECORD,
    ("statutory.precept_pcc", GET): STATUTORY_PCC_SIDE,
    ("statutory.precept_pcc", POST): STATUTORY_PCC_SIDE,
    ("statutory.precept_panel", GET): STATUTORY_PANEL_SIDE,
    ("statutory.precept_panel", POST): STATUTORY_PANEL_SIDE,
    ("statutory.new_appointment", GET): OPCC_STAFF,
    ("statutory.new_appointment", POST): OPCC_STAFF,
    ("statutory.appointment", GET): STATUTORY_RECORD,
    ("statutory.appointment_pcc", GET): STATUTORY_PCC_SIDE,
    ("statutory.appointment_pcc", POST): STATUTORY_PCC_SIDE,
    ("statutory.appointment_panel", GET): STATUTORY_PANEL_SIDE,
    ("statutory.appointment_panel", POST): STATUTORY_PANEL_SIDE,
    ("statutory.new_annual_report", GET): OPCC_STAFF,
    ("statutory.new_annual_report", POST): OPCC_STAFF,
    ("statutory.annual_report", GET): STATUTORY_RECORD,
    ("statutory.annual_report_pcc", GET): STATUTORY_PCC_SIDE,
    ("statutory.annual_report_pcc", POST): STATUTORY_PCC_SIDE,
    ("statutory.annual_report_panel", GET): STATUTORY_PANEL_SIDE,
    ("statutory.annual_report_panel", POST): STATUTORY_PANEL_SIDE,
    # User administration
    ("users.index", GET): ADMIN_ONLY,
    ("users.show", GET): ADMIN_ONLY,
    ("users.invite", GET): ADMIN_ONLY,
    ("users.invite", POST): ADMIN_ONLY,
    ("users.edit", GET): ADMIN_ONLY,
    ("users.edit", POST): ADMIN_ONLY,
    ("users.deactivate", POST): ADMIN_ONLY,
    ("users.reactivate", POST): ADMIN_ONLY,
    ("users.resend_invitation", POST): ADMIN_ONLY,
}

# Endpoints the matrix does not cover (served files, not pages).
NOT_COVERED = {"static"}


def template_line(endpoint: str, method: str) -> str:
    """The line to add to MATRIX for an undeclared endpoint, outcomes to be chosen."""
    fields = ", ".join(f"{name}=?" for name in Expect._fields)
    return f'    ("{endpoint}", {method}): Expect({fields}),'
