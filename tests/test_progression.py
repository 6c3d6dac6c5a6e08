"""The progression engine on hand-made logs: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import SessionEffort, WorkoutStatus
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.progression import (
    FIRST_TIME_BODYWEIGHT,
    FIRST_TIME_LOADED,
    LoggedSession,
    TrainingHistory,
    apply_progression,
    main_lift_lines,
)
from trainer_bot.training.schemas import PastWorkout

CATALOGUE: dict[str, CatalogueExercise] = {e.slug: e for e in default_catalogue()}
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def planned(
    slug: str, *, sets: int = 3, reps: tuple[int, int] = (8, 12), weight: float | None = 40.0
) -> PlannedExercise:
    return PlannedExercise(
        slug=slug, sets=sets, reps_min=reps[0], reps_max=reps[1], weight_kg=weight, rest_seconds=90
    )


def plan_of(*items: PlannedExercise, focus: str = "upper") -> WorkoutPlan:
    return WorkoutPlan(focus=focus, title="t", rationale="r", warmup="w", exercises=list(items))


def session(
    reps: tuple[int, ...],
    weight: float | None,
    *,
    days_ago: int = 2,
    effort: SessionEffort | None = None,
) -> LoggedSession:
    return LoggedSession(
        performed_at=NOW - timedelta(days=days_ago),
        reps=reps,
        weights=(weight,) * len(reps),
        reps_min=8,
        reps_max=12,
        effort=effort,
    )


def progress(item: PlannedExercise, *sessions: LoggedSession) -> tuple[PlannedExercise, str]:
    history = TrainingHistory(exercises={item.slug: sessions} if sessions else {})
    result = apply_progression(plan_of(item), history, CATALOGUE)
    return result.plan.exercises[0], result.notes[0]


def test_all_sets_at_the_top_add_the_barbell_step_and_return_to_the_bottom() -> None:
    item, note = progress(planned("barbell_bench_press", weight=45.0), session((12, 12, 12), 60.0))
    assert item.weight_kg == 62.5 and (item.reps_min, item.reps_max) == (8, 12)
    assert note == "62,5 кг — +2,5 кг: в прошлый раз все подходы по 12"


@pytest.mark.parametrize(
    ("slug", "step"),
    [
        ("dumbbell_bench_press", 2.0),  # per dumbbell, compound
        ("dumbbell_lateral_raise", 1.0),  # light dumbbells, isolation
        ("leg_press", 5.0),  # a machine stack
        ("triceps_pushdown", 2.5),  # a cable, isolation
        ("kettlebell_deadlift", 4.0),
    ],
)
def test_the_step_is_the_smallest_real_one_of_the_equipment(slug: str, step: float) -> None:
    item, _ = progress(planned(slug, weight=10.0), session((12, 12, 12), 20.0))
    assert item.weight_kg == 20.0 + step


def test_below_the_top_adds_a_rep_at_the_same_load() -> None:
    item, note = progress(planned("barbell_bench_press"), session((10, 9, 9), 60.0))
    assert item.weight_kg == 60.0 and (item.reps_min, item.reps_max) == (10, 12)
    assert "в прошлый раз 10, 9, 9" in note


def test_one_failure_holds_two_failures_deload_about_ten_percent() -> None:
    once, _ = progress(planned("barbell_back_squat"), session((7, 6, 6), 80.0))
    assert once.weight_kg == 80.0 and once.reps_min == 8
    twice, note = progress(
        planned("barbell_back_squat"),
        session((7, 6, 6), 80.0),
        session((7, 7, 6), 80.0, days_ago=5),
    )
    assert twice.weight_kg == 72.5  # 80 × 0.9 = 72 on the 2.5 kg grid
    assert "два раза подряд" in note


def test_a_failure_right_after_an_increase_is_not_a_deload() -> None:
    item, _ = progress(
        planned("barbell_back_squat"),
        session((7, 6, 6), 82.5),
        session((12, 12, 12), 80.0, days_ago=5),
    )
    assert item.weight_kg == 82.5


def test_hard_session_drops_a_set_and_holds_the_load_easy_adds_a_set() -> None:
    hard, note = progress(
        planned("barbell_bench_press", sets=4),
        session((12, 12, 12), 60.0, effort=SessionEffort.HARD),
    )
    assert hard.sets == 3 and hard.weight_kg == 60.0 and "тяжело" in note
    easy, _ = progress(
        planned("barbell_bench_press", sets=3),
        session((12, 12, 12), 60.0, effort=SessionEffort.EASY),
    )
    assert easy.sets == 4 and easy.weight_kg == 62.5


def test_first_time_keeps_the_generator_prescription_and_says_so() -> None:
    item, note = progress(planned("barbell_bench_press", weight=40.0))
    assert item.weight_kg == 40.0 and note == FIRST_TIME_LOADED
    bodyweight, note = progress(planned("push_up", weight=None))
    assert bodyweight.slug == "push_up" and note == FIRST_TIME_BODYWEIGHT


def test_the_llm_cannot_override_a_logged_load() -> None:
    item, _ = progress(planned("barbell_bench_press", weight=100.0), session((9, 9, 9), 60.0))
    assert item.weight_kg == 60.0


def test_bodyweight_ladder_climbs_and_stays_on_the_reached_rung() -> None:
    up, note = progress(
        planned("knee_push_up", reps=(10, 15), weight=None), session((15, 15, 15), None)
    )
    assert up.slug == "push_up" and up.reps_min == 10 and "Новая ступень" in note
    # The generator asks for knee push-ups again, but the user already logs push-ups.
    history = TrainingHistory(
        exercises={
            "knee_push_up": [session((15, 15, 15), None, days_ago=9)],
            "push_up": [session((11, 10, 10), None)],
        }
    )
    result = apply_progression(
        plan_of(planned("knee_push_up", reps=(10, 15), weight=None)), history, CATALOGUE
    )
    assert result.plan.exercises[0].slug == "push_up" and result.plan.exercises[0].reps_min == 11


def test_top_of_the_ladder_adds_reps_and_tempo() -> None:
    allowed = {k: v for k, v in CATALOGUE.items() if k != "muscle_up"}
    item = planned("pull_up", reps=(6, 10), weight=None)
    result = apply_progression(
        plan_of(item),
        TrainingHistory(exercises={"pull_up": [session((10, 10, 10), None)]}),
        allowed,
    )
    assert result.plan.exercises[0].slug == "pull_up"
    assert (result.plan.exercises[0].reps_min, result.plan.exercises[0].reps_max) == (10, 12)
    assert "медленно" in result.notes[0]


def _past(slugs: tuple[str, ...], days_ago: int, focus: str = "upper") -> PastWorkout:
    return PastWorkout(NOW - timedelta(days=days_ago), WorkoutStatus.COMPLETED, focus, slugs)


def test_main_lift_is_kept_within_the_block_and_rotates_after_it() -> None:
    new = plan_of(planned("dumbbell_bench_press"), planned("dumbbell_lateral_raise"))
    logged = {"barbell_bench_press": [session((10, 10, 10), 60.0, days_ago=3)]}
    recent = TrainingHistory(
        exercises=logged,
        workouts=[
            _past(("barbell_bench_press", "face_pull"), 3),
            _past(("barbell_bench_press",), 10),
        ],
    )
    kept = apply_progression(new, recent, CATALOGUE, today=NOW.date())
    assert kept.plan.exercises[0].slug == "barbell_bench_press"
    assert kept.plan.exercises[0].weight_kg == 60.0  # from the log, not the dumbbells' load
    assert kept.plan.exercises[1].slug == "dumbbell_lateral_raise"  # accessories rotate
    never_logged = TrainingHistory(workouts=recent.workouts)
    fresh = apply_progression(new, never_logged, CATALOGUE, today=NOW.date())
    assert fresh.plan.exercises[0].slug == "dumbbell_bench_press"  # nothing to progress from
    old = TrainingHistory(
        exercises=logged,
        workouts=[_past(("barbell_bench_press",), 3), _past(("barbell_bench_press",), 45)],
    )
    rotated = apply_progression(new, old, CATALOGUE, today=NOW.date())
    assert rotated.plan.exercises[0].slug == "dumbbell_bench_press"
    other_focus = TrainingHistory(workouts=[_past(("barbell_bench_press",), 3, focus="lower")])
    assert (
        apply_progression(new, other_focus, CATALOGUE, today=date(2026, 3, 2))
        .plan.exercises[0]
        .slug
        == "dumbbell_bench_press"
    )


def test_prompt_lines_name_the_main_lifts_last_results() -> None:
    history = TrainingHistory(
        exercises={"barbell_bench_press": [session((12, 12, 11), 60.0)]},
        workouts=[_past(("barbell_bench_press", "face_pull"), 3)],
    )
    assert main_lift_lines(history, "upper", CATALOGUE) == [
        "- barbell_bench_press: 60 kg x 12, 12, 11"
    ]
    assert main_lift_lines(history, "lower", CATALOGUE) == []


def test_a_generator_note_naming_a_start_weight_gives_way_to_the_log() -> None:
    item = planned("barbell_bench_press", weight=45.0).model_copy(
        update={
            "notes": "Старт: 45 кг. Все подходы по 12 — в следующий раз +2,5 кг. "
            "Оставляй 1–2 повтора в запасе."
        }
    )
    logged, _ = progress(item, session((12, 12, 12), 60.0))
    assert logged.notes == "Оставляй 1–2 повтора в запасе." and logged.weight_kg == 62.5
    first, _ = progress(item)
    assert first.notes == item.notes


def test_the_largest_prompt_with_main_lift_results_stays_under_two_thousand_tokens() -> None:
    """benchmarks --only 4's figure, with the longest results hint the engine can add."""
    from benchmarks.prompt_size import CHARS_PER_TOKEN, prompt_size
    from tests.support.shortlist_cases import TARGET_TOKENS, cases
    from trainer_bot.llm import session_shortlist
    from trainer_bot.training.progression import MAIN_POSITIONS, main_lift_hint

    longest = max(CATALOGUE, key=len)
    line = f"- {longest}: 142,5 kg x " + ", ".join(["12"] * 5)
    hint = main_lift_hint([line] * MAIN_POSITIONS)
    largest = 0
    for user, allowed, history, session in cases():
        listed = session_shortlist(user, allowed, session, history)
        size = prompt_size(user, listed, history, session.prompt_hint() + hint)
        largest = max(largest, size.total_chars)
    assert largest < TARGET_TOKENS * CHARS_PER_TOKEN, largest
