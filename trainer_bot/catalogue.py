"""The exercise catalogue: a TOML file a coach edits, loaded and validated here.

The file (`trainer_bot/data/exercises.toml`) holds one `[[exercise]]` table per exercise.
This module only reads and validates it; `services/catalogue_sync.py` writes it to the DB.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from trainer_bot.db.enums import HOME_EQUIPMENT, Equipment, FitnessLevel, Movement, Muscle

CATALOGUE_PATH = Path(__file__).parent / "data" / "exercises.toml"


class HomeItem(StrEnum):
    """What a user may have at home (the registration's multi-select; none = nothing)."""

    PULLUP_BAR = "pullup_bar"
    DUMBBELLS = "dumbbells"
    BANDS = "bands"
    BENCH = "bench"  # a bench or a sturdy chair
    DIP_BARS = "dip_bars"  # parallel bars: wall-mounted, a stand, or with the pull-up bar


class Category(StrEnum):
    """What an exercise is for: a strength movement (the default), or one of the drills
    a session adds around it. The movement pattern stays a strength pattern (core for
    balance work, conditioning for mobility and cool-down) so the database needs no new
    values; code that cares asks the category."""

    STRENGTH = "strength"
    MOBILITY = "mobility"
    BALANCE = "balance"
    COOL_DOWN = "cool_down"


class LoadUnit(StrEnum):
    """What a weight in kg means for the exercise (the screen spells it out)."""

    PER_HAND = "per_hand"  # one dumbbell (or kettlebell) in each hand, or one per arm
    ONE_IMPLEMENT = "one_implement"  # one dumbbell or kettlebell held in both hands
    WITH_BAR = "with_bar"  # a barbell: the total, the bar included
    SMITH_BAR = "smith_bar"  # a Smith machine: the plates plus its bar
    MACHINE = "machine"  # the stack or the plates of a machine / cable
    NONE = "none"  # no external load


_DEFAULT_LOAD_UNIT = {
    Equipment.DUMBBELL: LoadUnit.PER_HAND,
    Equipment.KETTLEBELL: LoadUnit.PER_HAND,
    Equipment.BARBELL: LoadUnit.WITH_BAR,
    Equipment.MACHINE: LoadUnit.MACHINE,
    Equipment.CABLE: LoadUnit.MACHINE,
}
_LOAD_UNIT_TEXT = {
    LoadUnit.PER_HAND: "вес одной гантели: по гантели в каждую руку",
    LoadUnit.ONE_IMPLEMENT: "вес одного снаряда, который держишь обеими руками",
    LoadUnit.WITH_BAR: "общий вес штанги вместе с грифом (олимпийский гриф — 20 кг)",
    LoadUnit.SMITH_BAR: "вес блинов вместе с грифом тренажёра Смита (гриф — 15–20 кг)",
    LoadUnit.MACHINE: "вес по шкале тренажёра",
    LoadUnit.NONE: "",
}

# Gym equipment a home user may own: these exercises need the item.
_EQUIPMENT_ITEM = {
    Equipment.PULLUP_BAR: HomeItem.PULLUP_BAR,
    Equipment.DUMBBELL: HomeItem.DUMBBELLS,
    Equipment.DIP_BARS: HomeItem.DIP_BARS,
}


class CatalogueExercise(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=64)
    name: str = Field(min_length=3, max_length=128)
    description: str = Field(min_length=20, max_length=600)
    instructions: list[str] = Field(min_length=3, max_length=10)
    primary_muscles: list[Muscle] = Field(min_length=1)
    secondary_muscles: list[Muscle] = Field(default_factory=list)
    equipment: Equipment
    level: FitnessLevel
    movement: Movement
    is_compound: bool
    is_timed: bool = False
    # Jumps, plyometrics, sprints: no jumping at BMI >= 35.
    is_high_impact: bool = False
    # Olympic and power lifts, swings, thrusters, loaded jumps: never for minors.
    is_power: bool = False
    # A heavy barbell lift that loads the spine (back / front squat, deadlift variants,
    # good morning): at most one a session, none for 65+.
    spine_loading: bool = False
    # Hangs from a bar (pull-ups, negatives, hanging raises): none at BMI >= 40.
    hanging: bool = False
    # A push-up from the floor or harder: BMI >= 40 pushes from an incline instead.
    floor_push: bool = False
    category: Category = Category.STRENGTH
    # What a bodyweight exercise needs from home besides the floor and a wall (a chair
    # for bench dips, bands for band rows). Pull-up bar and dumbbell exercises need their
    # item implicitly (see `home_items`).
    home_needs: list[HomeItem] = Field(default_factory=list)
    # What a weight means; by default from the equipment (see `unit`).
    load_unit: LoadUnit | None = None
    video_url: HttpUrl
    image_url: HttpUrl | None = None

    @field_validator("instructions")
    @classmethod
    def _steps_not_blank(cls, steps: list[str]) -> list[str]:
        if any(len(step.strip()) < 5 for step in steps):
            raise ValueError("every instruction step needs real text")
        return [step.strip() for step in steps]

    @model_validator(mode="after")
    def _muscles_disjoint(self) -> CatalogueExercise:
        if set(self.primary_muscles) & set(self.secondary_muscles):
            raise ValueError(f"{self.slug}: a muscle is both primary and secondary")
        return self

    @model_validator(mode="after")
    def _home_needs_only_at_home(self) -> CatalogueExercise:
        if self.home_needs and self.equipment not in HOME_EQUIPMENT:
            raise ValueError(f"{self.slug}: home_needs is for bodyweight exercises")
        return self

    @property
    def home_items(self) -> frozenset[HomeItem]:
        """What a home user needs for this exercise (empty: nothing but the floor)."""
        implied = _EQUIPMENT_ITEM.get(self.equipment)
        items = frozenset(self.home_needs)
        return items | {implied} if implied is not None else items

    @property
    def home_possible(self) -> bool:
        """Doable at home with some set of home items (no barbell, machine or cable)."""
        return self.equipment in HOME_EQUIPMENT or self.equipment in _EQUIPMENT_ITEM

    @property
    def unit(self) -> LoadUnit:
        if self.load_unit is not None:
            return self.load_unit
        return _DEFAULT_LOAD_UNIT.get(self.equipment, LoadUnit.NONE)

    @property
    def load_unit_text(self) -> str:
        """Russian: what the weight means ("" without an external load)."""
        if self.unit is LoadUnit.PER_HAND and self.equipment is Equipment.KETTLEBELL:
            return "вес одной гири"
        return _LOAD_UNIT_TEXT[self.unit]

    @property
    def is_drill(self) -> bool:
        """Mobility, balance or cool-down work, not a strength exercise."""
        return self.category is not Category.STRENGTH

    @property
    def instructions_text(self) -> str:
        return "\n".join(f"{n}. {step}" for n, step in enumerate(self.instructions, 1))


def load_catalogue(path: Path = CATALOGUE_PATH) -> list[CatalogueExercise]:
    with path.open("rb") as file:
        raw = tomllib.load(file)
    exercises = [CatalogueExercise.model_validate(item) for item in raw.get("exercise", [])]
    slugs = [e.slug for e in exercises]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise ValueError(f"duplicate slugs in {path.name}: {', '.join(duplicates)}")
    return exercises


@lru_cache(maxsize=1)
def default_catalogue() -> tuple[CatalogueExercise, ...]:
    return tuple(load_catalogue())
