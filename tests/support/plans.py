"""A saved workout read back as the plan it was saved from."""

from __future__ import annotations

from trainer_bot.db.models import Workout
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan


def plan_of(workout: Workout) -> WorkoutPlan:
    return WorkoutPlan(
        focus=workout.focus,
        title=workout.title,
        rationale=workout.rationale,
        warmup=workout.warmup,
        exercises=[
            PlannedExercise(
                slug=item.exercise.slug,
                sets=item.sets,
                reps_min=item.reps_min,
                reps_max=item.reps_max,
                weight_kg=item.weight_kg,
                rest_seconds=item.rest_seconds,
                notes=item.notes,
            )
            for item in workout.exercises
        ],
    )
