"""A small PNG line chart without dependencies: zlib + struct, one RGB canvas.

Enough for «📉 График»: body weight toward the target and one lift's estimated 1RM over
time, as two stacked panels. No text is drawn (the photo's caption carries the numbers), so
no font is needed. CPU-bound: call `render_progress_chart` off the event loop.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

Color = tuple[int, int, int]
WIDTH: Final = 640
PANEL_HEIGHT: Final = 240
MARGIN: Final = 24
BACKGROUND: Final[Color] = (255, 255, 255)
FRAME: Final[Color] = (200, 200, 200)
WEIGHT_COLOR: Final[Color] = (33, 150, 243)
TARGET_COLOR: Final[Color] = (76, 175, 80)
LIFT_COLOR: Final[Color] = (244, 81, 30)


@dataclass(frozen=True, slots=True)
class Series:
    """Points (x: days from the first, y: value) and an optional horizontal target."""

    points: Sequence[tuple[float, float]]
    color: Color
    target: float | None = None


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(BACKGROUND) * (width * height))

    def dot(self, x: int, y: int, color: Color, radius: int = 1) -> None:
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                px, py = x + dx, y + dy
                if 0 <= px < self.width and 0 <= py < self.height:
                    offset = (py * self.width + px) * 3
                    self.pixels[offset : offset + 3] = bytes(color)

    def line(
        self, start: tuple[int, int], end: tuple[int, int], color: Color, dash: int = 0
    ) -> None:
        """Bresenham's line, two pixels thick; `dash` > 0 draws dashes of that length."""
        (x0, y0), (x1, y1) = start, end
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        error, step = dx + dy, 0
        while True:
            if not dash or (step // dash) % 2 == 0:
                self.dot(x0, y0, color)
            if (x0, y0) == (x1, y1):
                return
            doubled = 2 * error
            if doubled >= dy:
                error += dy
                x0 += sx
            if doubled <= dx:
                error += dx
                y0 += sy
            step += 1

    def png(self) -> bytes:
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 6))
            + chunk(b"IEND", b"")
        )


def _panel(canvas: Canvas, series: Series, top: int) -> None:
    left, right = MARGIN, canvas.width - MARGIN
    upper, lower = top + MARGIN, top + PANEL_HEIGHT - MARGIN
    for corner_from, corner_to in (
        ((left, upper), (right, upper)),
        ((right, upper), (right, lower)),
        ((right, lower), (left, lower)),
        ((left, lower), (left, upper)),
    ):
        canvas.line(corner_from, corner_to, FRAME)
    values = [y for _, y in series.points] + ([series.target] if series.target else [])
    if not series.points:
        return
    low, high = min(values), max(values)
    spread = max(high - low, 1.0)
    low, high = low - spread * 0.1, high + spread * 0.1
    first, last = series.points[0][0], series.points[-1][0]
    width = max(last - first, 1.0)

    def place(x: float, y: float) -> tuple[int, int]:
        return (
            round(left + (x - first) / width * (right - left)),
            round(lower - (y - low) / (high - low) * (lower - upper)),
        )

    if series.target is not None:
        canvas.line(
            place(first, series.target), place(first + width, series.target), TARGET_COLOR, dash=8
        )
    placed = [place(x, y) for x, y in series.points]
    for start, end in itertools.pairwise(placed):
        canvas.line(start, end, series.color)
    for point in placed:
        canvas.dot(*point, series.color, radius=3)


def render_progress_chart(weight: Series, lift: Series | None) -> bytes:
    """A PNG: the weight panel, and under it the lift panel when there is one."""
    panels = [weight] + ([lift] if lift is not None else [])
    canvas = Canvas(WIDTH, PANEL_HEIGHT * len(panels))
    for index, series in enumerate(panels):
        _panel(canvas, series, index * PANEL_HEIGHT)
    return canvas.png()
