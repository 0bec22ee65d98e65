"""Labels inside sentences keep their acronyms and names' capitals."""

from __future__ import annotations

import pytest

from tracker.actions.models import ActionStatus, SourceType
from tracker.responses.models import ResponseState
from tracker.s55.models import S55State
from tracker.wording import in_sentence


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Sent back", "sent back"),
        ("Awaiting OPCC review", "awaiting OPCC review"),
        ("Sent to HMICFRS and the Home Secretary", "sent to HMICFRS and the Home Secretary"),
        ("Date of the PCC's response", "date of the PCC's response"),
        ("HMICFRS finding", "HMICFRS finding"),
        ("A&A meeting", "A&A meeting"),
        ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("PEEL", "PEEL"),
        ("", ""),
    ],
)
def test_only_the_first_letter_is_lowered_and_never_an_acronym(label, expected):
    assert in_sentence(label) == expected


def test_every_enum_label_in_a_sentence_differs_from_its_label_at_most_in_the_first_letter():
    for enum in (ActionStatus, SourceType, ResponseState, S55State):
        for member in enum:
            assert member.in_sentence[1:] == member.label[1:]
    assert ResponseState.SUBMITTED.in_sentence == "awaiting OPCC review"
    assert SourceType.HMICFRS.in_sentence == "HMICFRS finding"


def test_a_date_field_error_names_the_field_with_its_capitals(app):
    from wtforms import Form

    from tracker.forms import UkDateField

    class DateForm(Form):
        on = UkDateField("Date of the PCC's response")

    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = DateForm(MultiDict({"other": "posted"}))
        form.validate()
    assert form.on.errors == ["Enter date of the PCC's response"]
