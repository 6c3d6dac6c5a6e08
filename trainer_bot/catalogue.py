"""The exercise catalogue: a TOML file a coach edits, loaded and validated here.

The file (`trainer_bot/data/exercises.toml`) holds one `[[exercise]]` table per exercise.
This module only reads and validates it; `services/catalogue_sync.py` writes it to the DB.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from trainer_bot.db.enums import Equipment, FitnessLevel, Movement, Muscle

CATALOGUE_PATH = Path(__file__).parent / "data" / "exercises.toml"


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
    is_high_impact: bool = False
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
