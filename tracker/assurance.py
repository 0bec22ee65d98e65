"""How the OPCC satisfied itself that something asked of the force was done.

An assurance conclusion is recorded whenever the OPCC closes an action or accepts a
written response from the force: the method it used, its verdict and a note. A
"not assured" verdict never closes anything; it sends the matter back to the force.
"""

from __future__ import annotations

from tracker.db import LabelledEnum


class AssuranceMethod(LabelledEnum):
    EVIDENCE_REVIEWED = ("evidence_reviewed", "Evidence reviewed")
    DIP_SAMPLE = ("dip_sample", "Dip sample")
    PRESENTATION = ("presentation_at_meeting", "Presentation at a meeting")
    OTHER = ("other", "Other")


class AssuranceVerdict(LabelledEnum):
    ASSURED = ("assured", "Assured")
    PARTLY_ASSURED = ("partly_assured", "Partly assured")
    NOT_ASSURED = ("not_assured", "Not assured")

    @property
    def closes(self) -> bool:
        """Whether this verdict lets the matter close (otherwise it goes back)."""
        return self is not AssuranceVerdict.NOT_ASSURED


NOTE_MAX = 5_000

CHOOSE_METHOD = "Choose how the OPCC satisfied itself"
CHOOSE_VERDICT = "Choose the assurance verdict"
NOTE_NEEDED = {
    AssuranceVerdict.PARTLY_ASSURED: "Enter what is still outstanding",
    AssuranceVerdict.NOT_ASSURED: "Enter why it is not yet assured",
}
NOTE_TOO_LONG = f"Assurance note must be {NOTE_MAX:,} characters or fewer"


def check_conclusion(
    method: AssuranceMethod | None, verdict: AssuranceVerdict | None, note: str
) -> dict[str, str]:
    """The OPCC's assurance conclusion, on an implemented action or a written response:
    method and verdict are required; the note is required unless the verdict is
    "assured", since a partly assured conclusion must say what is outstanding and a "not
    assured" one tells the force why it came back. A plain "assured" with its method is
    a whole conclusion. Returns {field: message} for each problem."""
    problems = {}
    if method is None:
        problems["method"] = CHOOSE_METHOD
    if verdict is None:
        problems["verdict"] = CHOOSE_VERDICT
    elif verdict in NOTE_NEEDED and not note.strip():
        problems["note"] = NOTE_NEEDED[verdict]
    if len(note.strip()) > NOTE_MAX:
        problems["note"] = NOTE_TOO_LONG
    return problems


def describe_conclusion(method: AssuranceMethod | str, verdict: AssuranceVerdict | str) -> str:
    """One readable line for history, emails and reports: "Assured (dip sample)"."""
    verdict = AssuranceVerdict(verdict)
    method = AssuranceMethod(method)
    return f"{verdict.label} ({method.in_sentence})"
