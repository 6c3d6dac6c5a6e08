"""What services hand to the screens: plain frozen data, never ORM rows.

Rows are converted here, inside the service layer, while their session is open; a view
can then be kept, compared and rendered without lazy loads or a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from trainer_bot.db.enums import (
    Equipment,
    EquipmentType,
    Goal,
    SessionEffort,
    WorkoutSource,
    WorkoutStatus,
)
from trainer_bot.db.home_equipment import decode_home_equipment
from trainer_bot.db.models import User, Workout, WorkoutExercise
from trainer_bot.services.profile_rules import ProfileAnswers
from trainer_bot.services.training_profile import profile_of
from trainer_bot.training.rules_check import workout_note


@dataclass(frozen=True, slots=True)
class Profile:
    """A registered user: the registration answers and whether a workout was ever received."""

    telegram_id: int
    first_name: str | None
    answers: ProfileAnswers
    has_received_workout: bool
    # users.timezone: a city's IANA name or 'UTC+5:30'; None: not chosen (TIMEZONE applies).
    timezone: str | None = None

    @property
    def home_equipment(self) -> frozenset[Equipment]:
        """What the user has at home; empty for gym users and for those never asked."""
        return self.answers.home_equipment or frozenset()

    @property
    def home_equipment_unknown(self) -> bool:
        """A «Свой вес» user who registered before the bot asked about home equipment."""
        answers = self.answers
        return answers.equipment == EquipmentType.BODYWEIGHT and answers.home_equipment is None

    def answers_data(self) -> dict[str, object]:
        """The answers as the registration dialog keeps them (to edit them there)."""
        answers = self.answers
        home = answers.home_equipment
        data: dict[str, object] = {
            "gender": answers.gender,
            "age": answers.age,
            "height_cm": answers.height_cm,
            "weight_kg": answers.weight_kg,
            "level": answers.level,
            "goal": answers.goal.value,
            "target_weight_kg": answers.target_weight_kg,
            "frequency": answers.frequency,
            "equipment": answers.equipment,
        }
        if answers.equipment == EquipmentType.BODYWEIGHT:
            # None (never asked) is kept: the summary shows it as «не указано».
            data["home_equipment"] = sorted(home) if home is not None else None
        return data


class ExerciseResult(StrEnum):
    DONE = "done"  # has set logs
    SKIPPED = "skipped"  # «Пропустить»
    UNKNOWN = "unknown"  # nothing said: never counted as done


@dataclass(frozen=True, slots=True)
class LoggedSet:
    set_number: int
    reps: int
    weight_kg: float | None
    # Sets one tap wrote share it: «↩️ Отменить» removes them together.
    logged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LogState:
    """What is recorded for one exercise: its sets and the «Пропустить» flag. A logging
    tap turns one state into another; «↩️ Отменить» puts the earlier one back."""

    logged: tuple[LoggedSet, ...] = ()
    skipped: bool = False

    def same_as(self, other: LogState) -> bool:
        """The same sets and flag (the time a set was written aside)."""
        return self.skipped == other.skipped and [
            (s.set_number, s.reps, s.weight_kg) for s in self.logged
        ] == [(s.set_number, s.reps, s.weight_kg) for s in other.logged]


@dataclass(frozen=True, slots=True)
class ExerciseView:
    """One exercise of a workout, with what its screen shows about the movement."""

    position: int
    name: str
    sets: int
    reps_min: int
    reps_max: int
    is_timed: bool
    weight_kg: float | None
    rest_seconds: int
    notes: str | None
    description: str
    instructions: str
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    video_url: str
    image_url: str | None
    # Logging: the row and exercise ids, what was logged, the engine's "why".
    workout_exercise_id: int = 0
    exercise_id: int = 0
    equipment: str = "bodyweight"
    is_compound: bool = False
    logged: tuple[LoggedSet, ...] = ()
    skipped: bool = False
    progression_note: str | None = None
    previous: tuple[LoggedSet, ...] = ()  # the last time the user did this exercise
    swapped_from: str | None = None  # «🔄 Заменить»: the planned exercise's name

    @property
    def result(self) -> ExerciseResult:
        if self.logged:
            return ExerciseResult.DONE
        return ExerciseResult.SKIPPED if self.skipped else ExerciseResult.UNKNOWN

    @property
    def log_state(self) -> LogState:
        return LogState(self.logged, self.skipped)

    @property
    def loaded(self) -> bool:
        """Takes an external weight (a barbell, dumbbells, a machine stack)."""
        return self.equipment not in ("bodyweight", "pullup_bar", "dip_bars")


@dataclass(frozen=True, slots=True)
class WorkoutView:
    id: int
    status: WorkoutStatus
    source: WorkoutSource
    title: str
    rationale: str
    warmup: str
    exercises: tuple[ExerciseView, ...]
    # A line for the user's population (a doctor, an adult nearby) and one for a week too
    # short for the level's weekly minimum (`rules_check.workout_note`), or None.
    population_note: str | None = None
    user_id: int = 0
    effort: SessionEffort | None = None

    @property
    def loggable(self) -> bool:
        """Results can be logged during the workout and after completing it."""
        return self.status is not WorkoutStatus.SKIPPED

    @property
    def planned(self) -> bool:
        return self.status is WorkoutStatus.PLANNED

    @property
    def positions(self) -> tuple[int, ...]:
        return tuple(item.position for item in self.exercises)

    def nearest_position(self, wanted: int | None) -> int:
        """`wanted` kept within the workout's positions (the first when None); the workout
        has at least one exercise."""
        positions = self.positions
        if wanted is None:
            return positions[0]
        return min(max(wanted, positions[0]), positions[-1])

    def exercise_at(self, position: int) -> ExerciseView | None:
        for item in self.exercises:
            if item.position == position:
                return item
        return None


def profile_view(user: User) -> Profile:
    return Profile(
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        answers=ProfileAnswers(
            gender=user.gender,
            age=user.age,
            height_cm=user.height_cm,
            weight_kg=user.current_weight_kg,
            level=user.fitness_level,
            goal=Goal(user.goal),
            target_weight_kg=user.target_weight_kg,
            frequency=user.workout_frequency,
            equipment=user.equipment_type,
            home_equipment=(
                decode_home_equipment(user.home_equipment)
                if user.equipment_type == EquipmentType.BODYWEIGHT
                else None
            ),
        ),
        has_received_workout=user.last_workout_at is not None,
        timezone=user.timezone,
    )


def exercise_view(item: WorkoutExercise) -> ExerciseView:
    exercise = item.exercise
    return ExerciseView(
        position=item.position,
        name=exercise.name,
        sets=item.sets,
        reps_min=item.reps_min,
        reps_max=item.reps_max,
        is_timed=exercise.is_timed,
        weight_kg=item.weight_kg,
        rest_seconds=item.rest_seconds,
        notes=item.notes,
        description=exercise.description,
        instructions=exercise.instructions,
        primary_muscles=tuple(exercise.primary_muscles),
        secondary_muscles=tuple(exercise.secondary_muscles),
        video_url=exercise.video_url,
        image_url=exercise.image_url,
        workout_exercise_id=item.id,
        exercise_id=item.exercise_id,
        equipment=exercise.equipment,
        is_compound=exercise.is_compound,
        logged=tuple(
            LoggedSet(log.set_number, log.reps, log.weight_kg, log.logged_at)
            for log in item.set_logs
        ),
        skipped=item.skipped,
        progression_note=item.progression_note,
        previous=tuple(
            LoggedSet(number, int(reps or 0), weight)
            for number, (reps, weight) in enumerate(item.previous_sets or (), start=1)
        ),
        swapped_from=item.original_exercise.name if item.original_exercise else None,
    )


def workout_view(workout: Workout, user: User | None = None) -> WorkoutView:
    """`user`: the owner, when the query loaded it, for the population note (plus the
    line for a week too short for the level's weekly minimum)."""
    return WorkoutView(
        id=workout.id,
        status=WorkoutStatus(workout.status),
        source=WorkoutSource(workout.source),
        title=workout.title,
        rationale=workout.rationale,
        warmup=workout.warmup,
        exercises=tuple(exercise_view(item) for item in workout.exercises),
        population_note=workout_note(profile_of(user)) if user is not None else None,
        user_id=workout.user_id,
        effort=SessionEffort(workout.effort) if workout.effort else None,
    )
