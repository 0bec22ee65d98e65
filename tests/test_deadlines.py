"""Tests for the deadline calculator: bank holidays, working days, s.55."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tracker.deadlines import (
    Deadline,
    PeriodUnit,
    add_calendar_days,
    add_working_days,
    bank_holidays,
    format_long,
    is_working_day,
    next_working_day_on_or_after,
    response_due,
    s55_comments_due,
    why_not_working,
    working_days_between,
)


def test_bank_holidays_2023_include_christmas_and_the_coronation() -> None:
    found = bank_holidays(2023)
    assert found[date(2023, 12, 25)] == "Christmas Day"
    assert date(2023, 5, 8) in found


def test_bank_holidays_2021_include_christmas_substitute_days() -> None:
    found = bank_holidays(2021)
    assert date(2021, 12, 27) in found
    assert date(2021, 12, 28) in found


def test_bank_holidays_returns_a_copy_that_callers_cannot_corrupt() -> None:
    bank_holidays(2023).clear()
    assert date(2023, 12, 25) in bank_holidays(2023)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 6, 10), False),  # Saturday
        (date(2023, 6, 11), False),  # Sunday
        (date(2023, 12, 25), False),  # Christmas Day, a Monday
        (date(2023, 6, 6), True),  # an ordinary Tuesday
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 6, 5), "5 June 2023"),
        (date(2024, 1, 1), "1 January 2024"),
        (date(2022, 12, 31), "31 December 2022"),
    ],
)
def test_format_long(day: date, expected: str) -> None:
    assert format_long(day) == expected


@pytest.mark.parametrize(
    ("published_on", "expected"),
    [
        (date(2022, 6, 15), date(2022, 8, 9)),  # 15 + 40 to end of July, + 9
        (date(2023, 1, 31), date(2023, 3, 27)),  # 28 to end of February, + 27
        (date(2024, 2, 1), date(2024, 3, 27)),  # leap year: 28 to 29 February, + 27
    ],
)
def test_s55_comments_due_is_publication_plus_55_days(published_on: date, expected: date) -> None:
    assert s55_comments_due(published_on).due == expected


def test_s55_explanation_cites_the_police_act() -> None:
    assert s55_comments_due(date(2022, 6, 15)).explanation == (
        "Publication date 15 June 2022 plus 55 days: the 56 days beginning with the day "
        "of publication (Police Act 1996, s.55)"
    )


def test_working_days_skip_a_weekend() -> None:
    # Thursday 8 June 2023 + 2 working days: Friday 9, (weekend), Monday 12.
    result = add_working_days(date(2023, 6, 8), 2)
    assert result.due == date(2023, 6, 12)
    assert result.explanation == "2 working days after 8 June 2023, skipping the weekend"


def test_working_days_without_skips_say_so_plainly() -> None:
    result = add_working_days(date(2023, 6, 5), 2)
    assert result == Deadline(date(2023, 6, 7), "2 working days after 5 June 2023")


def test_working_days_across_christmas_2023() -> None:
    # Friday 22 Dec; 25 and 26 Dec are bank holidays; Wed 27, Thu 28, Fri 29.
    assert add_working_days(date(2023, 12, 22), 3).due == date(2023, 12, 29)


def test_working_days_across_christmas_and_new_year_2023_24() -> None:
    # 27, 28, 29 Dec; 1 Jan is a bank holiday; 2, 3, 4, 5 Jan; 8, 9, 10 Jan.
    assert add_working_days(date(2023, 12, 22), 10).due == date(2024, 1, 10)


def test_working_days_explanation_names_the_skipped_bank_holidays() -> None:
    assert add_working_days(date(2023, 12, 22), 10).explanation == (
        "10 working days after 22 December 2023, skipping weekends and the bank holidays "
        "25 December 2023 (Christmas Day), 26 December 2023 (Boxing Day) "
        "and 1 January 2024 (New Year's Day)"
    )


def test_working_days_across_the_2021_christmas_substitute_days() -> None:
    # Friday 24 Dec 2021; 25/26 are a weekend; Mon 27 and Tue 28 are substitute days.
    result = add_working_days(date(2021, 12, 24), 1)
    assert result.due == date(2021, 12, 29)
    assert "27 December 2021 (Christmas Day, substitute day)" in result.explanation
    assert "28 December 2021 (Boxing Day, substitute day)" in result.explanation


def test_zero_working_days_from_a_working_day_is_the_same_day() -> None:
    assert add_working_days(date(2023, 6, 6), 0).due == date(2023, 6, 6)


def test_zero_working_days_from_a_weekend_is_the_next_working_day() -> None:
    assert add_working_days(date(2023, 6, 10), 0).due == date(2023, 6, 12)


@pytest.mark.parametrize("func", [add_working_days, add_calendar_days])
def test_negative_days_are_rejected(func: Callable[[date, int], Deadline]) -> None:
    with pytest.raises(ValueError, match="days must be zero or more, got -1"):
        func(date(2023, 6, 5), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 4, 1), date(2024, 4, 2)),  # Easter Monday 2024
        (date(2023, 5, 1), date(2023, 5, 2)),  # Early May bank holiday 2023
        (date(2023, 5, 8), date(2023, 5, 9)),  # the King's coronation
        (date(2024, 3, 29), date(2024, 4, 2)),  # Good Friday, weekend, Easter Monday
        (date(2023, 6, 10), date(2023, 6, 12)),  # Saturday
        (date(2023, 6, 6), date(2023, 6, 6)),  # already a working day
    ],
)
def test_next_working_day_on_or_after(day: date, expected: date) -> None:
    assert next_working_day_on_or_after(day).due == expected


def test_next_working_day_explains_a_bank_holiday_move() -> None:
    assert next_working_day_on_or_after(date(2024, 4, 1)).explanation == (
        "Moved from 1 April 2024 to 2 April 2024, the next working day, "
        "skipping the bank holiday 1 April 2024 (Easter Monday)"
    )


def test_next_working_day_explains_a_weekend_move() -> None:
    assert next_working_day_on_or_after(date(2023, 6, 10)).explanation == (
        "Moved from 10 June 2023 to 12 June 2023, the next working day, skipping the weekend"
    )


def test_next_working_day_says_when_no_move_is_needed() -> None:
    assert next_working_day_on_or_after(date(2023, 6, 6)).explanation == (
        "6 June 2023 is a working day"
    )


def test_calendar_days_include_weekends_and_bank_holidays() -> None:
    result = add_calendar_days(date(2023, 12, 22), 14)
    assert result == Deadline(date(2024, 1, 5), "14 calendar days after 22 December 2023")


def test_one_calendar_day_is_singular() -> None:
    assert add_calendar_days(date(2023, 6, 5), 1).explanation == "1 calendar day after 5 June 2023"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (PeriodUnit.WORKING_DAYS, date(2024, 1, 10)),
        ("working_days", date(2024, 1, 10)),
        (PeriodUnit.CALENDAR_DAYS, date(2024, 1, 1)),
        ("calendar_days", date(2024, 1, 1)),
    ],
)
def test_response_due_dispatches_on_unit(unit: PeriodUnit | str, expected: date) -> None:
    assert response_due(date(2023, 12, 22), 10, unit).due == expected


def test_response_due_rejects_a_negative_period() -> None:
    with pytest.raises(ValueError, match="period must be zero or more, got -5"):
        response_due(date(2023, 6, 5), -5, PeriodUnit.WORKING_DAYS)


def test_response_due_rejects_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit must be one of working_days, calendar_days"):
        response_due(date(2023, 6, 5), 5, "fortnights")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2023, 6, 5), date(2023, 6, 9), 4),  # Mon to Fri: Tue, Wed, Thu, Fri
        (date(2023, 6, 9), date(2023, 6, 12), 1),  # Fri to Mon: just Mon
        (date(2023, 12, 22), date(2024, 1, 10), 10),  # across Christmas and New Year
        (date(2023, 6, 5), date(2023, 6, 5), 0),  # same day
        (date(2023, 6, 9), date(2023, 6, 5), 0),  # end before start
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            date(2020, 1, 1),
            "1 January 2020 is a bank holiday (New Year's Day); "
            "the next working day is Thursday 2 January 2020",
        ),
        (
            date(2020, 1, 4),
            "4 January 2020 is a Saturday; the next working day is Monday 6 January 2020",
        ),
        (
            date(2021, 12, 27),
            "27 December 2021 is a bank holiday (Christmas Day, substitute day); "
            "the next working day is Wednesday 29 December 2021",
        ),
        (date(2020, 1, 2), None),
    ],
)
def test_why_not_working_says_the_reason_and_the_next_working_day(
    day: date, expected: str | None
) -> None:
    assert why_not_working(day) == expected
