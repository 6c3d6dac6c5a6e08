"""How logged sets read, shared by the workout and progress screens."""

from __future__ import annotations

from collections.abc import Sequence

from trainer_bot.formatting import format_kg


def sets_text(sets: Sequence[tuple[int, float | None]], *, timed: bool = False) -> str:
    """'60 кг × 10, 10, 9' (a weight change starts a new group); '12, 10 повт.' without
    load; '45, 40 с' for a timed exercise. `sets`: (reps, weight_kg) in order."""
    groups: list[tuple[float | None, list[int]]] = []
    for reps, weight in sets:
        if groups and groups[-1][0] == weight:
            groups[-1][1].append(reps)
        else:
            groups.append((weight, [reps]))
    parts = []
    for weight, group in groups:
        numbers = ", ".join(str(r) for r in group)
        if weight:
            parts.append(f"{format_kg(weight)} кг × {numbers}{' с' if timed else ''}")
        else:
            parts.append(f"{numbers} {'с' if timed else 'повт.'}")
    return "; ".join(parts)
