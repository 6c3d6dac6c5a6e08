"""An exercise the user swapped away twice is ranked lower from then on: by the rule-based
generator, the LLM shortlist and the swap list (pure functions, no database)."""

from __future__ import annotations

import dataclasses

from tests.support.shortlist_cases import CATALOGUE, TODAY, profile
from trainer_bot.db.enums import SwapReason
from trainer_bot.llm.shortlist import session_shortlist
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.progression import TrainingHistory
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import next_session
from trainer_bot.training.swap import SavedPlan, alternatives


def test_the_fallback_leaves_out_a_ranked_lower_exercise_while_another_fits() -> None:
    user = profile()
    plan = generate_fallback_workout(user, [], CATALOGUE, today=TODAY)
    first = plan.exercises[0].slug
    lowered = dataclasses.replace(user, ranked_lower=frozenset({first}))
    again = generate_fallback_workout(lowered, [], CATALOGUE, today=TODAY)
    assert first not in [item.slug for item in again.exercises]
    # Ranked lower, never forbidden: deterministic otherwise.
    assert generate_fallback_workout(user, [], CATALOGUE, today=TODAY) == plan


def test_the_shortlist_lists_a_ranked_lower_exercise_later() -> None:
    user = profile()
    allowed = allowed_exercises(user, CATALOGUE)
    slot = next_session(user, [], today=TODAY, catalogue=CATALOGUE)
    fresh = session_shortlist(user, allowed, slot, [])
    first = next(e for e in fresh if e.movement is slot.movements[0])
    lowered = dataclasses.replace(user, ranked_lower=frozenset({first.slug}))
    again = session_shortlist(lowered, allowed, slot, [])
    pattern = [e for e in again if e.movement is first.movement]
    assert pattern[0] != first


def test_the_swap_list_ranks_a_ranked_lower_exercise_later() -> None:
    user = profile()
    plan = generate_fallback_workout(user, [], CATALOGUE, today=TODAY)
    saved = SavedPlan(plan, ((),) * len(plan.exercises))

    def offered(who: object) -> list[str]:
        return [
            a.exercise.slug
            for a in alternatives(
                saved,
                0,
                who,  # type: ignore[arg-type]
                [],
                TrainingHistory(),
                CATALOGUE,
                reason=SwapReason.DISLIKE,
                today=TODAY,
            )
        ]

    fresh = offered(user)
    assert len(fresh) >= 2
    lowered = offered(dataclasses.replace(user, ranked_lower=frozenset({fresh[0]})))
    assert lowered[0] != fresh[0]


def test_busy_equipment_puts_other_equipment_first() -> None:
    user = profile()
    plan = generate_fallback_workout(user, [], CATALOGUE, today=TODAY)
    saved = SavedPlan(plan, ((),) * len(plan.exercises))
    by_slug = {e.slug: e for e in CATALOGUE}
    original = by_slug[plan.exercises[0].slug]
    busy = alternatives(
        saved, 0, user, [], TrainingHistory(), CATALOGUE, reason=SwapReason.BUSY, today=TODAY
    )
    assert busy and busy[0].exercise.equipment is not original.equipment
    for alternative in busy:
        assert alternative.exercise.movement is original.movement
        assert original.primary_muscles[0] in alternative.exercise.primary_muscles
        assert alternative.planned.sets == plan.exercises[0].sets
        assert alternative.planned.rest_seconds == plan.exercises[0].rest_seconds
