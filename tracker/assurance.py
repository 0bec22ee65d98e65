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


def describe_conclusion(method: AssuranceMethod | str, verdict: AssuranceVerdict | str) -> str:
    """One readable line for history, emails and reports: "Assured (dip sample)"."""
    verdict = AssuranceVerdict(verdict)
    method = AssuranceMethod(method)
    return f"{verdict.label} ({method.label[0].lower()}{method.label[1:]})"
