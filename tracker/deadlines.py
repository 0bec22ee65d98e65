"""The one deadline calculator for the action tracker.

Pure functions over dates: callers pass in "today" and any settings. Working days are
Monday to Friday, excluding England and Wales bank holidays (from the `holidays` package,
including substitute days). Every calculated date comes with a short explanation
that the UI shows next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

import holidays

S55_EXTRA_DAYS = 55  # the 56 days beginning with the day of publication


@dataclass(frozen=True)
class Deadline:
    """A due date and one short sentence explaining how it was worked out."""

    due: date
    explanation: str


class PeriodUnit(StrEnum):
    """How a response period is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> MappingProxyType[date, str]:
    """Read-only England and Wales bank holidays for one year (cached)."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return MappingProxyType(dict(sorted(found.items())))


def bank_holidays(year: int) -> dict[date, str]:
    """Return England and Wales bank holidays for `year`, mapping date to name."""
    return dict(_bank_holidays(year))


def _holiday_name(day: date) -> str | None:
    """Return the bank holiday name for `day`, or None if it is not one."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Return True for Monday to Friday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and _holiday_name(day) is None


def why_not_working(day: date) -> str | None:
    """Why `day` is not a working day, in plain words, or None when it is one:
    "1 January 2020 is a bank holiday (New Year's Day); the next working day is
    Thursday 2 January 2020", or "4 January 2020 is a Saturday; ..."."""
    if is_working_day(day):
        return None
    holiday = _holiday_name(day)
    if holiday is not None:
        reason = f"a bank holiday ({holiday.replace(' (observed)', ', substitute day')})"
    else:
        reason = f"a {day:%A}"
    following = next_working_day_on_or_after(day + timedelta(days=1)).due
    return (
        f"{format_long(day)} is {reason}; the next working day is "
        f"{following:%A} {format_long(following)}"
    )


def format_long(day: date) -> str:
    """Format a date like "5 June 2023"."""
    return f"{day.day} {day:%B %Y}"


def _plural(count: int, noun: str) -> str:
    """Return e.g. "1 working day" or "3 working days"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _join(items: list[str]) -> str:
    """Join as "a", "a and b" or "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _describe_holiday(day: date) -> str:
    """Return e.g. "27 December 2021 (Christmas Day, substitute day)"."""
    name = (_holiday_name(day) or "").replace(" (observed)", ", substitute day")
    return f"{format_long(day)} ({name})"


def _skipping(weekends: int, skipped_holidays: list[date]) -> str:
    """Describe what was skipped, e.g. "skipping the weekend and the bank holiday ..."."""
    parts = [] if not weekends else ["the weekend" if weekends == 1 else "weekends"]
    if skipped_holidays:
        noun = "bank holiday" if len(skipped_holidays) == 1 else "bank holidays"
        parts.append(f"the {noun} {_join([_describe_holiday(d) for d in skipped_holidays])}")
    return f"skipping {' and '.join(parts)}" if parts else ""


def _walk(day: date, working_days: int) -> tuple[date, int, list[date]]:
    """Step forward from `day` (not counted) until `working_days` working days have passed.

    Returns the day reached, how many weekends were skipped and which bank holidays were.
    """
    weekends: set[tuple[int, int]] = set()
    skipped: list[date] = []
    while working_days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            working_days -= 1
        elif day.weekday() >= 5:
            weekends.add(day.isocalendar()[:2])
        else:
            skipped.append(day)
    return day, len(weekends), skipped


def _check_not_negative(value: int, name: str) -> None:
    """Raise ValueError if `value` is negative."""
    if value < 0:
        raise ValueError(f"{name} must be zero or more, got {value}")


def next_working_day_on_or_after(day: date) -> Deadline:
    """Return `day` if it is a working day, otherwise the next working day after it."""
    if is_working_day(day):
        return Deadline(day, f"{format_long(day)} is a working day")
    due, weekends, skipped = _walk(day - timedelta(days=1), 1)
    return Deadline(
        due,
        f"Moved from {format_long(day)} to {format_long(due)}, the next working day, "
        + _skipping(weekends, skipped),
    )


def add_working_days(start: date, days: int) -> Deadline:
    """Return the day that is `days` working days after `start` (start not counted)."""
    _check_not_negative(days, "days")
    if days == 0:
        return next_working_day_on_or_after(start)
    due, weekends, skipped = _walk(start, days)
    explanation = f"{_plural(days, 'working day')} after {format_long(start)}"
    reason = _skipping(weekends, skipped)
    return Deadline(due, f"{explanation}, {reason}" if reason else explanation)


def working_days_before(day: date, days: int) -> Deadline:
    """Return the working day that is `days` working days before `day` (`day` not
    counted); with 0, the last working day on or before `day`."""
    _check_not_negative(days, "days")
    weekends: set[tuple[int, int]] = set()
    skipped: list[date] = []

    def note(non_working: date) -> None:
        if non_working.weekday() >= 5:
            weekends.add(non_working.isocalendar()[:2])
        else:
            skipped.append(non_working)

    due = day
    if days == 0:
        while not is_working_day(due):
            note(due)
            due -= timedelta(days=1)
    counted = 0
    while counted < days:
        due -= timedelta(days=1)
        if is_working_day(due):
            counted += 1
        else:
            note(due)
    explanation = f"{_plural(days, 'working day')} before {format_long(day)}"
    reason = _skipping(len(weekends), sorted(skipped))
    return Deadline(due, f"{explanation}, {reason}" if reason else explanation)


def date_set_by(day: date, who: str) -> Deadline:
    """A due date someone set (the Panel, the OPCC) rather than one worked out: says who,
    and notes a weekend or bank holiday, which does not move it."""
    explanation = f"The date set by {who}"
    not_working = why_not_working(day)
    if not_working:
        explanation += f" ({not_working.split(';')[0]})"
    return Deadline(day, explanation)


def add_calendar_days(start: date, days: int) -> Deadline:
    """Return `start` plus `days` calendar days."""
    _check_not_negative(days, "days")
    return Deadline(
        start + timedelta(days=days),
        f"{_plural(days, 'calendar day')} after {format_long(start)}",
    )


def response_due(sent_on: date, period: int, unit: PeriodUnit | str) -> Deadline:
    """Return when a response to an ad-hoc request sent on `sent_on` is due."""
    _check_not_negative(period, "period")
    try:
        unit = PeriodUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in PeriodUnit)
        raise ValueError(f"unit must be one of {choices}, got {unit!r}") from None
    if unit is PeriodUnit.WORKING_DAYS:
        return add_working_days(sent_on, period)
    return add_calendar_days(sent_on, period)


def s55_comments_due(published_on: date) -> Deadline:
    """Return the last day of the s.55 comment period for a report published on a date."""
    return Deadline(
        published_on + timedelta(days=S55_EXTRA_DAYS),
        f"Publication date {format_long(published_on)} plus {S55_EXTRA_DAYS} days: the 56 days"
        " beginning with the day of publication (Police Act 1996, s.55)",
    )


def working_days_between(start: date, end: date) -> int:
    """Count working days after `start` up to and including `end` (0 if end <= start)."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def days_late(due_on: date | None, today: date, *, done: bool) -> int:
    """Whole days past `due_on` (0 when done, not yet due or no date is set): the one
    "days overdue" rule for actions, responses and comments."""
    if done or due_on is None or due_on >= today:
        return 0
    return (today - due_on).days


# Statutory calendar ------------------------------------------------------------------
# The precept dates are fixed calendar dates in the Police and Crime Panels (Precepts and
# Chief Constable Appointments) Regulations 2012 (SI 2012/2271). The Regulations say
# nothing about weekends or bank holidays, so the dates are never moved; the explanation
# says so when one falls on a non-working day.

PRECEPT_REGULATIONS = (
    "Police and Crime Panels (Precepts and Chief Constable Appointments) Regulations 2012"
    " (SI 2012/2271)"
)
CONFIRMATION_PERIOD_DAYS = 21  # "three weeks beginning with the day" of notification


@dataclass(frozen=True)
class StatutoryDate:
    """A statutory deadline: the date, how it was worked out, and the provision it comes
    from. `verified` is False where the provision's text could not be checked, so the
    screen can say so rather than present a guess as law."""

    due: date
    explanation: str
    citation: str
    verified: bool = True


def _fixed(day: date, what: str) -> str:
    """Explain a fixed date, saying plainly that a weekend or bank holiday does not move it."""
    moved = why_not_working(day)
    note = (
        f" It falls on a non-working day ({moved.split(';')[0]}), but the date is fixed:"
        " nothing in the provision moves it."
        if moved
        else " The date is fixed: nothing in the provision moves it."
    )
    return f"{what} by {format_long(day)}.{note}"


def precept_notification_due(financial_year: int) -> StatutoryDate:
    """The PCC notifies the Panel of the proposed precept for the financial year starting
    in April `financial_year`, by 1 February of the year before it ends (reg. 3)."""
    due = date(financial_year, 2, 1)
    return StatutoryDate(
        due,
        _fixed(due, "The PCC must notify the Panel of the proposed precept"),
        f"{PRECEPT_REGULATIONS}, reg. 3; Police Reform and Social Responsibility Act 2011,"
        " Sch. 5 para. 2",
    )


def precept_report_due(financial_year: int) -> StatutoryDate:
    """The Panel reviews the proposed precept and reports to the PCC by 8 February (reg. 4(1))."""
    due = date(financial_year, 2, 8)
    return StatutoryDate(
        due,
        _fixed(due, "The Panel must review the proposed precept and report to the PCC")
        + " A veto needs at least two-thirds of the Panel's members at the time (Sch. 5"
        " para. 4(4)). If the Panel vetoes but does not report by this date, the PCC may"
        " issue the proposed precept (reg. 4(2)).",
        f"{PRECEPT_REGULATIONS}, reg. 4; Police Reform and Social Responsibility Act 2011,"
        " Sch. 5 paras. 3 and 4",
    )


def precept_response_due(financial_year: int) -> StatutoryDate:
    """After a veto, the PCC responds with a revised precept by 15 February (reg. 5)."""
    due = date(financial_year, 2, 15)
    return StatutoryDate(
        due,
        _fixed(
            due,
            "After a veto, the PCC must respond to the Panel's report and notify the revised"
            " precept",
        )
        + " The revised precept must be lower if the Panel vetoed the proposal as too high,"
        " and higher if it vetoed it as too low (reg. 5(3)).",
        f"{PRECEPT_REGULATIONS}, reg. 5; Police Reform and Social Responsibility Act 2011,"
        " Sch. 5 para. 6(3)",
    )


def revised_precept_report_due(financial_year: int) -> StatutoryDate:
    """After a veto, the Panel reviews the revised precept and reports by 22 February
    (reg. 6; the date as Panels publish it, not checked against the regulation's text)."""
    due = date(financial_year, 2, 22)
    return StatutoryDate(
        due,
        _fixed(due, "After a veto, the Panel must review the revised precept and report")
        + " The date is as Panels publish it in their procedure notes; the text of reg. 6"
        " could not be checked, so confirm it before relying on it.",
        f"{PRECEPT_REGULATIONS}, reg. 6 (not verified)",
        verified=False,
    )


def precept_issue_due(financial_year: int) -> StatutoryDate:
    """The PCC issues the precept to the billing authorities by 1 March (as Panels publish
    it; the provision was not checked)."""
    due = date(financial_year, 3, 1)
    return StatutoryDate(
        due,
        _fixed(due, "The PCC issues the precept to the billing authorities")
        + " The PCC may not issue it until the scrutiny process has ended (Sch. 5 para. 1)."
        " The 1 March date is as Panels publish it; the provision in the Local Government"
        " Finance Act 1992 could not be checked, so confirm it before relying on it.",
        "Police Reform and Social Responsibility Act 2011, Sch. 5 para. 1; Local Government"
        " Finance Act 1992, s.40 (date not verified)",
        verified=False,
    )


def confirmation_report_due(notified_on: date) -> StatutoryDate:
    """The last day for the Panel's confirmation hearing and report on a proposed Chief
    Constable: three weeks beginning with the day the Panel is notified (Sch. 8 para. 4(6))."""
    due = notified_on + timedelta(days=CONFIRMATION_PERIOD_DAYS - 1)
    return StatutoryDate(
        due,
        f"Three weeks beginning with {format_long(notified_on)}, the day the Panel received"
        " the notification: the Panel must hold its confirmation hearing and report by"
        f" {format_long(due)}. Weekends and bank holidays count. If the period ends without"
        " a report, the confirmation process ends (para. 2(3)). Any post-election period"
        " is ignored in the count (para. 4(9)); the tracker does not work that out, so"
        " after a PCC election the real deadline is later than the date shown.",
        "Police Reform and Social Responsibility Act 2011, Sch. 8 para. 4(6)",
    )
