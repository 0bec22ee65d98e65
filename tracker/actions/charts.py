"""A stacked bar chart of RAG by source, as plain data for an inline, accessible SVG."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.actions.models import Rag, SourceType

# GOV.UK tag colours: red, orange, green, grey.
RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "complete": "#b1b4b6"}
BAR_HEIGHT = 28
GAP = 14
LABEL_WIDTH = 170
PLOT_WIDTH = 420


@dataclass(frozen=True)
class Segment:
    rag: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: int
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    colours: dict[str, str]


def rag_chart(by_source_rag: dict[SourceType, dict[str, int]]) -> Chart:
    """Bars per source type, segments per RAG, scaled to the largest total."""
    largest = max((sum(c.values()) for c in by_source_rag.values()), default=0) or 1
    bars = []
    for index, (source_type, counts) in enumerate(by_source_rag.items()):
        x = float(LABEL_WIDTH)
        segments = []
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE):
            count = counts.get(rag.value, 0)
            width = PLOT_WIDTH * count / largest
            if count:
                segments.append(Segment(rag.value, count, x, width, RAG_COLOURS[rag.value]))
            x += width
        bars.append(
            Bar(source_type.label, sum(counts.values()), index * (BAR_HEIGHT + GAP), segments)
        )
    height = len(bars) * (BAR_HEIGHT + GAP)
    return Chart(bars, LABEL_WIDTH + PLOT_WIDTH + 60, height, LABEL_WIDTH, RAG_COLOURS)
