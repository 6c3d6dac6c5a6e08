"""The per-session shortlist the prompt lists, and the size of the largest prompt."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from benchmarks.prompt_size import CHARS_PER_TOKEN, prompt_size
from tests.support.shortlist_cases import (
    CATALOGUE,
    TARGET_TOKENS,
    TODAY,
    cases,
    fits,
    longest_history,
    profile,
)
from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import (
    EquipmentType,
    FitnessLevel,
    Movement,
    Muscle,
    WorkoutStatus,
)
from trainer_bot.llm.prompt import build_messages, parse_allowed_lines
from trainer_bot.llm.shortlist import PER_MOVEMENT, session_movements, session_shortlist
from trainer_bot.training import rules
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import BLUEPRINTS, SessionSlot, next_session, week_sessions


def test_shortlist_keeps_every_session_pattern_and_slot_need() -> None:
    checked = 0
    for user, allowed, history, session in cases():
        listed = session_shortlist(user, allowed, session, history)
        slugs = [e.slug for e in listed]
        assert len(slugs) == len(set(slugs)), (session.focus, slugs)
        assert set(slugs) <= {e.slug for e in allowed}
        # The plan's patterns and core (every session may end with trunk work).
        for movement in (*session.movements, Movement.CORE):
            if any(fits(e, session, movement) for e in allowed):
                assert any(fits(e, session, movement) for e in listed), (user, session.focus)
        # A slot that wants a muscle (biceps, triceps, calves, ...) gets candidates for it.
        for slot in session.patterns:
            if slot.muscle is None:
                continue
            wanted = {
                e.slug
                for e in allowed
                if e.movement in slot.movements and slot.muscle in e.primary_muscles
            }
            if wanted:
                assert not wanted.isdisjoint(slugs), (session.focus, slot)
        checked += 1
    assert checked > 500


def test_shortlist_is_small_deterministic_and_grouped_by_pattern() -> None:
    user = profile()
    allowed = allowed_exercises(user, CATALOGUE)
    history = longest_history(allowed, (10, 12, 14))
    slot = next_session(user, history, today=TODAY, catalogue=CATALOGUE)
    listed = session_shortlist(user, allowed, slot, history)
    assert listed == session_shortlist(user, list(reversed(allowed)), slot, history)
    movements = [e.movement for e in listed]
    assert movements == sorted(movements, key=session_movements(user, slot).index)
    for movement in set(movements):
        assert movements.count(movement) <= PER_MOVEMENT
    assert len(listed) < len(allowed) / 2


def session_for(user: TrainingProfile, focus: str) -> SessionSlot:
    slot = next_session(user, [], today=TODAY, catalogue=CATALOGUE)
    return replace(
        slot, focus=focus, patterns=BLUEPRINTS[focus], muscles=rules.FOCUS_MUSCLES[focus]
    )


@pytest.mark.parametrize(
    ("focus", "muscles"),
    [
        (rules.FOCUS_FULL_BODY_A, {Muscle.BICEPS}),
        (rules.FOCUS_FULL_BODY_B, {Muscle.TRICEPS}),
        (rules.FOCUS_UPPER, {Muscle.BICEPS, Muscle.TRICEPS}),
        (rules.FOCUS_LEGS, {Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.CALVES}),
    ],
)
def test_isolation_slots_get_their_muscles(focus: str, muscles: set[Muscle]) -> None:
    user = profile()
    listed = session_shortlist(
        user, allowed_exercises(user, CATALOGUE), session_for(user, focus), []
    )
    isolation = [e for e in listed if e.movement in (Movement.ARMS, Movement.LEG_ISOLATION)]
    for muscle in muscles:
        assert any(muscle in e.primary_muscles for e in isolation), (focus, muscle)


def test_staple_lifts_are_listed_for_an_experienced_gym_user() -> None:
    user = profile()
    allowed = allowed_exercises(user, CATALOGUE)
    slugs = {
        e.slug
        for e in session_shortlist(user, allowed, session_for(user, rules.FOCUS_FULL_BODY_A), [])
    }
    assert {"barbell_back_squat", "barbell_bench_press", "barbell_deadlift"} <= slugs
    assert not {"power_clean", "hang_power_clean"} & slugs  # Olympic lifts: not in a text plan


def test_shortlist_prefers_exercises_absent_from_recent_workouts() -> None:
    user = profile()
    allowed = allowed_exercises(user, CATALOGUE)
    slot = next_session(user, [], today=TODAY, catalogue=CATALOGUE)
    fresh = session_shortlist(user, allowed, slot, [])
    first = next(e for e in fresh if e.movement is slot.movements[0])
    done = PastWorkout(
        datetime.combine(TODAY - timedelta(days=6), datetime.min.time(), UTC),
        WorkoutStatus.COMPLETED,
        "other",
        (first.slug,),
    )
    again = session_shortlist(user, allowed, slot, [done])
    pattern = [e for e in again if e.movement is first.movement]
    assert pattern[0] != first
    # A skipped workout was not done: no reason to rotate away from it.
    skipped = replace(done, status=WorkoutStatus.SKIPPED)
    assert session_shortlist(user, allowed, slot, [skipped]) == fresh


def test_light_day_lists_bodyweight_work_first() -> None:
    user = profile()
    allowed = allowed_exercises(user, CATALOGUE)
    listed = session_shortlist(user, allowed, session_for(user, rules.FOCUS_LIGHT), [])
    by_movement: dict[Movement, list[CatalogueExercise]] = {}
    for exercise in listed:
        by_movement.setdefault(exercise.movement, []).append(exercise)
    for exercises in by_movement.values():
        assert exercises[0].equipment.value == "bodyweight", exercises[0].slug
        assert not exercises[0].is_high_impact


def test_thin_list_is_topped_up() -> None:
    child = profile(age=12, level=FitnessLevel.BEGINNER, equipment=EquipmentType.BODYWEIGHT)
    allowed = allowed_exercises(child, CATALOGUE)
    slot = next_session(child, [], today=TODAY, catalogue=CATALOGUE)
    for session in week_sessions(child, slot):
        assert len(session_shortlist(child, allowed, session, [])) >= 8


def test_largest_prompt_stays_under_the_target() -> None:
    """Messages and the schema (both billed as input) of the largest request over the grid
    and every session: under 2,000 estimated tokens (characters / 3.5)."""
    largest = 0
    for user, allowed, history, session in cases():
        listed = session_shortlist(user, allowed, session, history)
        size = prompt_size(user, listed, history, session.prompt_hint())
        largest = max(largest, size.total_chars)
    assert largest < TARGET_TOKENS * CHARS_PER_TOKEN, largest


@pytest.mark.parametrize("focus", ["full_body_b", "legs"])
def test_listed_lines_round_trip(focus: str) -> None:
    user = profile(frequency=5)
    allowed = allowed_exercises(user, CATALOGUE)
    session = session_for(user, focus)
    listed = session_shortlist(user, allowed, session, [])
    user_message = build_messages(user, listed, [], session.prompt_hint())[1]["content"]
    lines = parse_allowed_lines(user_message)
    assert [line.slug for line in lines] == [e.slug for e in listed]
    assert [line.movement for line in lines] == [e.movement.value for e in listed]
    assert [line.equipment for line in lines] == [e.equipment.value for e in listed]
