"""The Panel follow-up report as a committee paper: its cover and the options that fill it.

Clerks file the report in a Panel agenda pack, so its first page reads like any other
committee paper: the meeting it is for, title and number (the agenda item), purpose,
recommendation, contact officer and background. The person producing it may change the
wording on the report's options form; the defaults below apply when they do not, and
the contact officer comes from the settings an administrator keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from tracker.forms import no_control_characters, strip_text
from tracker.settings.definitions import (
    PANEL_CONTACT_EMAIL,
    PANEL_CONTACT_NAME,
    PANEL_CONTACT_ROLE,
    PANEL_CONTACT_TELEPHONE,
)
from tracker.settings.services import setting

DEFAULT_TITLE = "Police and Crime Panel follow-up report"
DEFAULT_PURPOSE = (
    "To update the Panel on the Commissioner's responses to its recommendations and "
    "requests for information, and on the actions that followed them."
)
DEFAULT_RECOMMENDATION = (
    "The Panel is asked to note the Commissioner's responses and the progress of the "
    "actions set out in this report."
)
DEFAULT_BACKGROUND = (
    "The Panel reviews and scrutinises the decisions and actions of the Police and Crime "
    "Commissioner, and may make recommendations and ask for information, to which the "
    "Commissioner responds. This report lists each item the Panel raised, whether the "
    "Commissioner has responded or when a response is due, and the actions taken as a "
    "result, with the latest update on each."
)

TITLE_MAX = 200
NUMBER_MAX = 20
PURPOSE_MAX = 1000
RECOMMENDATION_MAX = 1000
BACKGROUND_MAX = 4000

# The request arguments that carry the cover's wording (kept out of the report's
# filters, but in its PDF, Word and job links so every copy says the same).
PAPER_FIELDS = ("paper_title", "paper_number", "purpose", "recommendation", "background")


def _one_line(form: Form, field: StringField) -> None:
    """A title or number is one line: new lines and tabs are control characters here."""
    if field.data and any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data):
        raise ValidationError(f"{field.label.text} must not contain control characters")


def _length(label: str, limit: int) -> Length:
    return Length(max=limit, message=f"{label} must be {limit} characters or fewer")


class PanelPaperForm(Form):
    """The cover's wording, read from the report's query string (a GET form that changes
    nothing, so no CSRF token; a plain form so the worker can read it without a request)."""

    paper_title = StringField(
        "Report title",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[_length("Report title", TITLE_MAX), _one_line],
    )
    paper_number = StringField(
        "Report number (agenda item)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[_length("Report number", NUMBER_MAX), _one_line],
    )
    purpose = TextAreaField(
        "Purpose",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[_length("Purpose", PURPOSE_MAX), no_control_characters],
    )
    recommendation = TextAreaField(
        "Recommendation",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[_length("Recommendation", RECOMMENDATION_MAX), no_control_characters],
    )
    background = TextAreaField(
        "Background",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[_length("Background", BACKGROUND_MAX), no_control_characters],
    )


@dataclass(frozen=True)
class ContactOfficer:
    name: str
    role: str
    email: str
    telephone: str

    def __bool__(self) -> bool:
        return any((self.name, self.role, self.email, self.telephone))


@dataclass(frozen=True)
class PaperCover:
    """What the committee paper's cover says."""

    meeting: str
    title: str
    number: str
    purpose: str
    recommendation: str
    background: str
    contact: ContactOfficer


def contact_officer() -> ContactOfficer:
    """The contact officer as the administrator last set them."""
    return ContactOfficer(
        name=setting(PANEL_CONTACT_NAME),
        role=setting(PANEL_CONTACT_ROLE),
        email=setting(PANEL_CONTACT_EMAIL),
        telephone=setting(PANEL_CONTACT_TELEPHONE),
    )


def meeting_words(meeting: date | None, date_from: date | None, date_to: date | None) -> str:
    """The Panel meeting (or meetings) the paper covers, in words."""
    if meeting:
        return f"Police and Crime Panel, {meeting.day} {meeting:%B %Y}"
    if date_from or date_to:
        start = f"{date_from.day} {date_from:%B %Y}" if date_from else "the first"
        end = f"{date_to.day} {date_to:%B %Y}" if date_to else "the latest"
        return f"Police and Crime Panel meetings from {start} to {end}"
    return "Police and Crime Panel: every meeting"


def paper_cover(
    args: MultiDict, *, meeting: str
) -> tuple[PaperCover, PanelPaperForm, dict[str, str]]:
    """The cover from the report's arguments (defaults for what is left blank), the form
    to show them on, and the errors by field (empty when all is well)."""
    form = PanelPaperForm(formdata=MultiDict({k: args.get(k, "") for k in PAPER_FIELDS}))
    form.validate()
    errors = {field.name: field.errors[0] for field in form if field.errors}

    def chosen(name: str, default: str) -> str:
        value = form[name].data or ""
        return default if name in errors or not value else value

    cover = PaperCover(
        meeting=meeting,
        title=chosen("paper_title", DEFAULT_TITLE),
        number=chosen("paper_number", ""),
        purpose=chosen("purpose", DEFAULT_PURPOSE),
        recommendation=chosen("recommendation", DEFAULT_RECOMMENDATION),
        background=chosen("background", DEFAULT_BACKGROUND),
        contact=contact_officer(),
    )
    return cover, form, errors
