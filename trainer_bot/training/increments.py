"""The smallest real load step of an exercise, by its equipment and class. Pure."""

from __future__ import annotations

from typing import Final

from trainer_bot.db.enums import Equipment

# kg added at once: (compound, isolation). A barbell gets a 1.25 kg plate on each side; a
# dumbbell rack goes up 2 kg per dumbbell (1 kg among the light ones used for isolation);
# kettlebells come in 4 kg steps; machine stacks in 5 kg plates, cables in 2.5 kg.
STEPS: Final[dict[str, tuple[float, float]]] = {
    Equipment.BARBELL: (2.5, 2.5),
    Equipment.DUMBBELL: (2.0, 1.0),
    Equipment.KETTLEBELL: (4.0, 4.0),
    Equipment.MACHINE: (5.0, 2.5),
    Equipment.CABLE: (5.0, 2.5),
}


def load_step(equipment: str, is_compound: bool) -> float:
    """kg to add or remove at once; 0 for bodyweight work (it progresses by reps)."""
    compound, isolation = STEPS.get(equipment, (0.0, 0.0))
    return compound if is_compound else isolation


def round_to_step(weight_kg: float, step: float) -> float:
    """`weight_kg` on the equipment's grid (a 10% deload of 62.5 kg is 55 kg, not 56.25)."""
    if step <= 0:
        return weight_kg
    return max(step, round(weight_kg / step) * step)
