"""A user's row as the training code sees it (`TrainingProfile`): what the generators,
the rules check and the workout screen's notes read."""

from __future__ import annotations

from trainer_bot.catalogue import HomeItem
from trainer_bot.db.enums import Equipment, EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.db.home_equipment import decode_home_equipment
from trainer_bot.db.models import User
from trainer_bot.training.schemas import TrainingProfile

# The profile's home equipment in the catalogue's terms (what the generators match).
HOME_ITEMS: dict[Equipment, HomeItem] = {
    Equipment.PULLUP_BAR: HomeItem.PULLUP_BAR,
    Equipment.DUMBBELL: HomeItem.DUMBBELLS,
    Equipment.BANDS: HomeItem.BANDS,
    Equipment.BENCH: HomeItem.BENCH,
    Equipment.DIP_BARS: HomeItem.DIP_BARS,
}


def profile_of(user: User) -> TrainingProfile:
    return TrainingProfile(
        gender=Gender(user.gender),
        age=user.age,
        height_cm=user.height_cm,
        weight_kg=user.current_weight_kg,
        level=FitnessLevel(user.fitness_level),
        goal=Goal(user.goal),
        target_weight_kg=user.target_weight_kg,
        workouts_per_week=user.workout_frequency,
        equipment=EquipmentType(user.equipment_type),
        home_equipment=frozenset(
            HOME_ITEMS[item] for item in decode_home_equipment(user.home_equipment) or ()
        ),
    )
