"""The administrator-editable settings: each one's key, label, hint, type and default.

Data only (no database access), so the audit vocabulary can label setting changes and
the services can read them without either depending on the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SettingDefinition(Generic[T]):
    """One administrator-editable setting: its key, label, hint, default and bounds.

    The default's type is the setting's type: `setting(AMBER_DAYS)` is an int.
    """

    key: str
    label: str
    hint: str
    default: T
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    # "number" (default), "choice" (when choices are given), "email", "days" ("14, 3"),
    # "text" (one line, up to `maximum` characters) or "telephone".
    kind: str = "number"

    def coerce(self, stored: Any) -> T:
        """A stored value as this setting's type (the default when it cannot be read)."""
        if stored is None:
            return self.default
        try:
            return type(self.default)(stored)
        except (TypeError, ValueError):
            return self.default


AMBER_DAYS = SettingDefinition[int](
    "amber_days",
    "Amber warning (days before due)",
    "An action due within this many days shows as amber.",
    14,
    minimum=0,
    maximum=365,
)
ADHOC_RESPONSE_PERIOD = SettingDefinition[int](
    "adhoc_response_period",
    "Ad-hoc request response period",
    "How long the Chief Constable has to answer an ad-hoc request.",
    10,
    minimum=1,
    maximum=365,
)
ADHOC_RESPONSE_UNIT = SettingDefinition[str](
    "adhoc_response_unit",
    "Ad-hoc response period counted in",
    "Working days skip weekends and England and Wales bank holidays.",
    "working_days",
    choices=(("working_days", "Working days"), ("calendar_days", "Calendar days")),
)
UPDATE_GRACE_MINUTES = SettingDefinition[int](
    "update_grace_minutes",
    "Minutes an update can be corrected",
    "After this, updates can no longer be edited by their author.",
    15,
    minimum=0,
    maximum=1440,
)
REMINDER_DAYS_BEFORE = SettingDefinition[str](
    "reminder_days_before",
    "Reminders before a deadline (days)",
    "Days before a due date to send a reminder, separated by commas, for example 14, 3.",
    "14, 3",
    kind="days",
)
OVERDUE_REPEAT_DAYS = SettingDefinition[int](
    "overdue_repeat_days",
    "Repeat overdue reminders every (days)",
    "While something is overdue, remind its owner again after this many days.",
    7,
    minimum=1,
    maximum=90,
)
ESCALATION_AFTER_DAYS = SettingDefinition[int](
    "escalation_after_days",
    "Escalate actions overdue for (days)",
    "After this many days overdue, the leads below are told (once).",
    14,
    minimum=1,
    maximum=365,
)
MEETING_UPDATE_DAYS_BEFORE = SettingDefinition[int](
    "meeting_update_days_before",
    "Ask for updates before a meeting (days)",
    "Owners of open actions from earlier meetings of the same kind are asked this many "
    "days before each A&A meeting.",
    10,
    minimum=1,
    maximum=60,
)
PAPERS_DUE_WORKING_DAYS = SettingDefinition[int](
    "papers_due_working_days",
    "Chief Constable's papers due before a meeting (working days)",
    "The force's papers for an A&A meeting are due this many working days before it "
    "(weekends and England and Wales bank holidays are skipped).",
    5,
    minimum=0,
    maximum=60,
)
MINUTES_DUE_WORKING_DAYS = SettingDefinition[int](
    "minutes_due_working_days",
    "A&A minutes and outcome summary due after a meeting (working days)",
    "The minutes and outcome summary of a held A&A meeting are due to be published this "
    "many working days after it (weekends and England and Wales bank holidays are skipped).",
    20,
    minimum=1,
    maximum=120,
)
OPCC_LEAD_EMAIL = SettingDefinition[str](
    "opcc_lead_email",
    "OPCC lead for reminders",
    "Receives Panel, HMICFRS and ad-hoc request reminders and every escalation. "
    "Must be an OPCC user's email address.",
    "",
    kind="email",
)
FORCE_LEAD_EMAIL = SettingDefinition[str](
    "force_lead_email",
    "Force lead contact for reminders",
    "Receives escalations of force-owned actions and reminders about ad-hoc requests. "
    "Must be a force user's email address.",
    "",
    kind="email",
)
ACCESSIBILITY_CONTACT_EMAIL = SettingDefinition[str](
    "accessibility_contact_email",
    "Accessibility contact",
    "Shown in the accessibility statement: where people report an accessibility problem "
    "or ask for information in another format.",
    "",
    kind="email",
)
DATA_PROTECTION_EMAIL = SettingDefinition[str](
    "data_protection_email",
    "Data protection officer",
    "Shown in the privacy notice: where people ask about the personal data the tracker "
    "holds or use their data protection rights.",
    "",
    kind="email",
)

# The contact officer named on the cover of the Panel follow-up report (a committee
# paper: "Contact officer: name, role, email, telephone").
PANEL_CONTACT_NAME = SettingDefinition[str](
    "panel_contact_name",
    "Panel paper contact officer",
    "The name printed as contact officer on the Panel follow-up report's cover.",
    "",
    maximum=120,
    kind="text",
)
PANEL_CONTACT_ROLE = SettingDefinition[str](
    "panel_contact_role",
    "Panel paper contact officer's role",
    "Their job title, for example Head of Policy and Scrutiny.",
    "",
    maximum=120,
    kind="text",
)
PANEL_CONTACT_EMAIL = SettingDefinition[str](
    "panel_contact_email",
    "Panel paper contact officer's email",
    "The email address printed on the Panel follow-up report's cover.",
    "",
    kind="email",
)
PANEL_CONTACT_TELEPHONE = SettingDefinition[str](
    "panel_contact_telephone",
    "Panel paper contact officer's telephone",
    "The telephone number printed on the Panel follow-up report's cover, for example 01234 567890.",
    "",
    maximum=30,
    kind="telephone",
)

DEFINITIONS: dict[str, SettingDefinition[Any]] = {
    d.key: d
    for d in (
        AMBER_DAYS,
        ADHOC_RESPONSE_PERIOD,
        ADHOC_RESPONSE_UNIT,
        UPDATE_GRACE_MINUTES,
        REMINDER_DAYS_BEFORE,
        OVERDUE_REPEAT_DAYS,
        ESCALATION_AFTER_DAYS,
        MEETING_UPDATE_DAYS_BEFORE,
        PAPERS_DUE_WORKING_DAYS,
        MINUTES_DUE_WORKING_DAYS,
        OPCC_LEAD_EMAIL,
        FORCE_LEAD_EMAIL,
        ACCESSIBILITY_CONTACT_EMAIL,
        DATA_PROTECTION_EMAIL,
        PANEL_CONTACT_NAME,
        PANEL_CONTACT_ROLE,
        PANEL_CONTACT_EMAIL,
        PANEL_CONTACT_TELEPHONE,
    )
}
