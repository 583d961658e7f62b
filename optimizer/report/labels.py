"""Point labels that do not overlap: each label takes the first free spot among positions around its
point, nearest first, measured as rendered; a label moved away from its point gets a leader line.

Greedy and deterministic: labels are placed in the order given (put the important ones first);
a spot is free when the label's rendered box overlaps no label placed before, no marker and no
obstacle (e.g. the legend), and stays inside the axes. When no spot is free, the least-overlapping
one is taken.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox, ScaledTranslation

RINGS_PT = (3.0, 9.0, 16.0, 25.0, 36.0, 50.0, 66.0)  # distance beyond the marker's edge, points
LEADER_FROM_RING = 2  # rings from this one on get a leader line
ANGLES_DEG = (0, 180, 90, 270, 30, 150, 210, 330, 60, 120, 240, 300)  # right and left first
PAD_PX = 1.5


@dataclass
class PointLabel:
    """A label for the point (x, y) in data units, whose marker has radius ``marker_pt`` points."""

    text: str
    x: float
    y: float
    marker_pt: float = 3.0
    style: dict[str, Any] = field(default_factory=dict)  # Text properties: fontsize, color, ...


def _alignment(angle: float) -> tuple[str, str]:
    cos, sin = math.cos(angle), math.sin(angle)
    horizontal = "left" if cos > 0.3 else "right" if cos < -0.3 else "center"
    vertical = "bottom" if sin > 0.3 else "top" if sin < -0.3 else "center"
    return horizontal, vertical


def _overlap(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _outside(box: Bbox, frame: Bbox) -> float:
    """Area of ``box`` outside ``frame``."""
    return box.width * box.height - _overlap(box, frame)


def marker_box(ax: Axes, x: float, y: float, radius_pt: float) -> Bbox:
    """The display box of a marker of ``radius_pt`` points at data (x, y)."""
    cx, cy = ax.transData.transform((x, y))
    r = radius_pt * ax.figure.dpi / 72.0
    return Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)


def place_labels(ax: Axes, labels: Sequence[PointLabel], obstacles: Sequence[Bbox] = ()) -> list[Annotation]:
    """Annotate ``ax`` with ``labels`` without overlaps (see module docstring). Call it once the
    axes limits and layout are final; returns the annotations in the order given."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    blocked = [marker_box(ax, label.x, label.y, label.marker_pt) for label in labels] + list(obstacles)
    placed: list[Bbox] = []
    annotations = []
    for label in labels:
        best: tuple[float, float, float, int] | None = None  # (cost, dx, dy, ring)
        probe = ax.text(label.x, label.y, label.text, **label.style)
        for ring, distance in enumerate(RINGS_PT):
            for degrees in ANGLES_DEG:
                angle = math.radians(degrees)
                dx = (label.marker_pt + distance) * math.cos(angle)
                dy = (label.marker_pt + distance) * math.sin(angle)
                horizontal, vertical = _alignment(angle)
                probe.set_horizontalalignment(horizontal)
                probe.set_verticalalignment(vertical)
                probe.set_transform(ax.transData + ScaledTranslation(dx / 72.0, dy / 72.0, fig.dpi_scale_trans))
                box = probe.get_window_extent(renderer).padded(PAD_PX)
                cost = sum(_overlap(box, other) for other in placed) + sum(_overlap(box, b) for b in blocked)
                cost += 10.0 * _outside(box, frame)
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, ring)
                if cost == 0.0:
                    break
            if best is not None and best[0] == 0.0:
                break
        probe.remove()
        assert best is not None
        _, dx, dy, ring = best
        horizontal, vertical = _alignment(math.atan2(dy, dx))
        leader = dict(arrowstyle="-", color="#444444", linewidth=0.7, shrinkA=1.0, shrinkB=label.marker_pt)
        annotation = ax.annotate(
            label.text,
            (label.x, label.y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=horizontal,
            va=vertical,
            arrowprops=leader if ring >= LEADER_FROM_RING else None,
            **label.style,
        )
        placed.append(text_box(annotation, renderer).padded(PAD_PX))
        annotations.append(annotation)
    return annotations


def text_box(annotation: Annotation, renderer: Any) -> Bbox:
    """The rendered box of an annotation's text alone (without its leader line), display units."""
    annotation.update_positions(renderer)
    return super(Annotation, annotation).get_window_extent(renderer)
