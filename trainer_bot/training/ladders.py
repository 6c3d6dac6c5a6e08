"""Bodyweight progressions: each ladder goes from the easiest variation to the hardest.

When every set of a rung reached the top of the rep range, the next session takes the next
rung the user is allowed (the level rules may stop a ladder early: no pistol squats for a
beginner). At the top of a ladder progress goes on with reps and a slower tempo.
Only catalogue slugs, all counted in repetitions (timed holds progress by seconds).
"""

from __future__ import annotations

from typing import Final

LADDERS: Final[tuple[tuple[str, ...], ...]] = (
    ("incline_push_up", "knee_push_up", "push_up", "decline_push_up", "archer_push_up"),
    ("incline_pike_push_up", "pike_push_up", "elevated_pike_push_up", "wall_handstand_push_up"),
    ("chair_squat", "bodyweight_squat", "split_squat", "bulgarian_split_squat", "pistol_squat"),
    ("glute_bridge", "bodyweight_hip_thrust", "single_leg_glute_bridge"),
    ("bodyweight_good_morning", "bodyweight_single_leg_rdl"),
    ("calf_raise", "single_leg_calf_raise"),
    ("scapular_pull_up", "negative_pull_up", "chin_up", "pull_up", "muscle_up"),
    ("inverted_row", "feet_elevated_inverted_row"),
    ("hanging_knee_raise", "hanging_leg_raise"),
    ("crunch", "reverse_crunch", "v_up"),
)

_PLACE: Final[dict[str, tuple[int, int]]] = {
    slug: (ladder_index, rung)
    for ladder_index, ladder in enumerate(LADDERS)
    for rung, slug in enumerate(ladder)
}


def ladder_of(slug: str) -> tuple[str, ...]:
    """The ladder `slug` is on (empty when it is on none)."""
    place = _PLACE.get(slug)
    return LADDERS[place[0]] if place is not None else ()


def rung_of(slug: str) -> int:
    """How far up its ladder `slug` is (-1 when it is on none)."""
    place = _PLACE.get(slug)
    return place[1] if place is not None else -1


def harder(slug: str, allowed: frozenset[str] | set[str]) -> str | None:
    """The next allowed rung above `slug`, if any (an unavailable rung is stepped over)."""
    ladder = ladder_of(slug)
    for candidate in ladder[rung_of(slug) + 1 :]:
        if candidate in allowed:
            return candidate
    return None
