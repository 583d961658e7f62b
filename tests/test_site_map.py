"""The site map a person reads: over coastlines, every site and region labelled, no two labels
overlapping (checked on the rendered bounding boxes), labels moved off a crowded point joined to
it by a leader line. The map is drawn for every shipped candidate site and demand region (the
Chinese hubs are the dense cluster), all built, so no solve is needed."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from aidc.inputs import INPUTS_DIR
from aidc.optimizer.report.coastlines import land_polygons
from aidc.optimizer.report.labels import text_box
from aidc.optimizer.report.plots import site_map

YEAR = 2030


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    sites = pd.read_csv(INPUTS_DIR / "catalogs" / "sites.csv")[["site", "name", "latitude", "longitude"]]
    regions = pd.read_csv(INPUTS_DIR / "catalogs" / "regions.csv")[["region", "name", "latitude", "longitude"]]
    built = sites.iloc[::2]  # every other site built, the rest candidates
    return {
        "site_locations": sites,
        "region_locations": regions,
        "capacity": pd.DataFrame({"site": built["site"], "cooling": "air", "year": YEAR, "it_capacity_mw": 10.0}),
        "demand": pd.DataFrame({"region": regions["region"], "year": YEAR, "demand_mtok": 1e6}),
        "serving": pd.DataFrame(
            {"site": built["site"].iloc[:3].tolist(), "region": regions["region"].iloc[:3].tolist(), "year": YEAR}
        ).assign(mtok=1e5),
        "accelerators": pd.DataFrame({"year": [YEAR]}),
    }


@pytest.fixture(scope="module")
def drawn(tables):
    fig = site_map(tables, YEAR)
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    return ax, [(text, text_box(text, renderer)) for text in ax.texts]


def test_every_site_and_region_is_labelled(tables, drawn):
    _, labels = drawn
    expected = set(tables["site_locations"]["site"]) | set(tables["region_locations"]["region"])
    assert sorted(text.get_text() for text, _ in labels) == sorted(expected)


def test_no_two_labels_overlap_and_all_stay_inside_the_map(drawn):
    ax, labels = drawn
    frame = ax.get_window_extent()
    for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
        assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"
    for text, box in labels:
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), text.get_text()


def test_the_dense_cluster_needed_leader_lines(drawn, tables):
    """The Chinese hubs lie closer together than a label is long, so some labels had to move away
    from their point; each of those is joined to it by a leader line."""
    _, labels = drawn
    sites = tables["site_locations"].set_index("site")
    close = [
        (a, b)
        for a, b in itertools.combinations(sites.index, 2)
        if abs(sites.loc[a, "longitude"] - sites.loc[b, "longitude"]) < 6
        and abs(sites.loc[a, "latitude"] - sites.loc[b, "latitude"]) < 3
    ]
    assert len(close) >= 3  # the case is dense
    led = [text for text, _ in labels if text.arrow_patch is not None]
    assert led
    for text in led:
        dx, dy = text.xyann
        assert (dx * dx + dy * dy) ** 0.5 >= 9.0  # only labels moved beyond the first rings


def test_coastlines_are_drawn_from_the_offline_data(drawn):
    ax, _ = drawn
    polygons = land_polygons()
    assert len(polygons) > 500  # GSHHS crude: 743 land polygons
    assert len(ax.patches) >= len(polygons)
    assert "no coastlines" not in ax.get_title()
