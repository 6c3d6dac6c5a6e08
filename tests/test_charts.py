"""The dependency-free PNG chart: a valid image of the right size with the series drawn."""

from __future__ import annotations

import struct
import zlib

from trainer_bot.charts import (
    LIFT_COLOR,
    PANEL_HEIGHT,
    TARGET_COLOR,
    WEIGHT_COLOR,
    WIDTH,
    Series,
    render_progress_chart,
)


def decode(png: bytes) -> tuple[int, int, bytes]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    start = png.index(b"IDAT") + 4
    length = struct.unpack(">I", png[start - 8 : start - 4])[0]
    raw = zlib.decompress(png[start : start + length])
    rows = [raw[y * (width * 3 + 1) + 1 : (y + 1) * (width * 3 + 1)] for y in range(height)]
    return width, height, b"".join(rows)


def test_two_panels_with_both_series_and_the_dashed_target() -> None:
    weight = Series([(0, 82.5), (7, 81.0), (14, 80.4)], WEIGHT_COLOR, target=76.0)
    lift = Series([(0, 70.0), (3, 75.0)], LIFT_COLOR)
    width, height, pixels = decode(render_progress_chart(weight, lift))
    assert (width, height) == (WIDTH, 2 * PANEL_HEIGHT)
    for color in (WEIGHT_COLOR, LIFT_COLOR, TARGET_COLOR):
        assert bytes(color) in pixels


def test_a_single_point_and_no_lift_still_draw() -> None:
    width, height, pixels = decode(render_progress_chart(Series([(0, 80.0)], WEIGHT_COLOR), None))
    assert (width, height) == (WIDTH, PANEL_HEIGHT) and bytes(WEIGHT_COLOR) in pixels
