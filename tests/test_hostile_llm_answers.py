"""Hostile but well-formed LLM answers end in a plan with zero rule violations.

Each case goes through the real `LLMWorkoutGenerator` and `ChatCompletionsClient` to the
fake OpenAI-compatible server over HTTP, with the real catalogue. The answer passes the
schema and the shortlist validation (the case's exercises are added to the list the
prompt shows, as if the shortlist had a bug), so the rules gate is what must catch it.
Each case states the expected action: "repaired" (mechanical fixes), "reasked" (the
second, good answer is used) or "fallback" (both answers fail; the rule-based plan,
itself gated, is what the user gets).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.fakes.openai_server import (
    FakeOpenAIServer,
    completion_response,
    openai_server_fixture,  # noqa: F401 - registers the `openai_server` fixture
    plan_payload,
)
from trainer_bot.catalogue import HomeItem, default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal, WorkoutStatus
from trainer_bot.llm import LLMWorkoutGenerator, session_shortlist
from trainer_bot.llm.client import ChatCompletionsClient
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.gate import gate_fallback
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.rules_check import check
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import next_session

CATALOGUE = default_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}
TODAY = date(2026, 3, 4)  # a Wednesday
B, MID, A = FitnessLevel.BEGINNER, FitnessLevel.INTERMEDIATE, FitnessLevel.ADVANCED


def person(
    *,
    gender: Gender = Gender.MALE,
    age: int = 30,
    height: int = 180,
    weight: float = 82.5,
    level: FitnessLevel = MID,
    goal: Goal = Goal.MASS_GAIN,
    frequency: int = 3,
    equipment: EquipmentType = EquipmentType.GYM,
    home: frozenset[HomeItem] = frozenset(),
) -> TrainingProfile:
    return TrainingProfile(
        gender, age, height, weight, level, goal, weight, frequency, equipment, home
    )


MAN = person()
MAN_BEGINNER = person(level=B)
MAN_ADVANCED = person(level=A)
WOMAN_BEGINNER = person(gender=Gender.FEMALE, height=160, weight=45.0, level=B)
TEEN = person(age=14, height=165, weight=55.0, level=MID, goal=Goal.WEIGHT_LOSS)
CHILD = person(age=11, height=145, weight=38.0, level=B, equipment=EquipmentType.BODYWEIGHT)
OLD = person(age=80, height=175, weight=76.0, level=A, frequency=5)
BMI45 = person(height=175, weight=138.0, level=B, goal=Goal.WEIGHT_LOSS)
BMI38 = person(height=175, weight=116.0, level=MID, goal=Goal.WEIGHT_LOSS)
HOME_NOTHING = person(equipment=EquipmentType.BODYWEIGHT)
ADVANCED_LOSS = person(level=A, goal=Goal.WEIGHT_LOSS)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 18, tzinfo=UTC)


def past(days_ago: int, focus: str, *slugs: str) -> PastWorkout:
    return PastWorkout(_at(TODAY - timedelta(days=days_ago)), WorkoutStatus.COMPLETED, focus, slugs)


# Yesterday's leg day for an intermediate on upper / lower / full: today is upper.
AFTER_LEGS = (past(1, "lower", "barbell_back_squat", "dumbbell_reverse_lunge", "lying_leg_curl"),)
# Yesterday's hard session for a teenager: today is a light day.
TEEN_AFTER_HARD = (past(1, "full_body_a", "goblet_squat", "dumbbell_bench_press"),)

Entry = dict[str, Any]


def entry(slug: str, **values: Any) -> Entry:
    base: Entry = {"slug": slug, "sets": 3, "reps_min": 8, "reps_max": 12, "rest_seconds": 90}
    base["notes"] = "Оставляй 2–3 повтора в запасе."
    exercise = BY_SLUG[slug]
    if exercise.is_timed:
        base.update(reps_min=30, reps_max=45)
    return {**base, **values}


@dataclass(frozen=True)
class Case:
    name: str
    profile: TrainingProfile
    entries: Callable[[], list[Entry]]
    action: str  # "repaired", "reasked" or "fallback"
    history: Sequence[PastWorkout] = ()
    texts: dict[str, str] = field(default_factory=dict)


def good_entries(case: Case) -> list[Entry]:
    """A rule-abiding second answer: the fallback's own plan, as the model would send it."""
    plan = generate_fallback_workout(case.profile, case.history, CATALOGUE, today=TODAY)
    return [
        {
            "slug": e.slug,
            "sets": e.sets,
            "reps_min": e.reps_min,
            "reps_max": e.reps_max,
            "weight_kg": e.weight_kg,
            "rest_seconds": e.rest_seconds,
            "notes": e.notes,
        }
        for e in plan.exercises
    ]


def heavy(*slugs: str, kg: float, reps: tuple[int, int] = (1, 3), sets: int = 6) -> list[Entry]:
    return [
        entry(s, weight_kg=kg, reps_min=reps[0], reps_max=reps[1], sets=sets, rest_seconds=15)
        for s in slugs
    ]


UPPER = ("barbell_bench_press", "barbell_bent_over_row", "dumbbell_bench_press")
LEGS7 = (
    "barbell_back_squat",
    "leg_press",
    "hack_squat",
    "leg_extension",
    "goblet_squat",
    "dumbbell_split_squat",
    "dumbbell_step_up",
)

CASES = [
    # --- loads --------------------------------------------------------------------------
    Case(
        "absurd_loads_intermediate", MAN, lambda: heavy(*UPPER, "lat_pulldown", kg=150), "repaired"
    ),
    Case(
        "beginner_woman_120_150kg",
        WOMAN_BEGINNER,
        lambda: [
            *heavy("leg_press", "barbell_bench_press", kg=120, sets=5),
            *heavy("seated_cable_row", "machine_shoulder_press", kg=150, sets=5),
        ],
        "repaired",
    ),
    Case(
        "every_lift_20kg",
        MAN,
        lambda: [entry(s, weight_kg=20.0) for s in (*UPPER, "seated_cable_row", "arnold_press")],
        "repaired",
    ),
    Case(
        "rest_15_seconds",
        MAN,
        lambda: [
            entry(s, weight_kg=None, rest_seconds=15)
            for s in ("push_up", "pull_up", "pike_push_up", "chin_up")
        ],
        "repaired",
    ),
    Case(
        "beginner_1_to_3_reps",
        MAN_BEGINNER,
        lambda: heavy(
            "goblet_squat",
            "dumbbell_bench_press",
            "seated_cable_row",
            "dumbbell_romanian_deadlift",
            kg=20,
            sets=3,
        ),
        "repaired",
    ),
    Case(
        "missing_weights_and_notes",
        MAN,
        lambda: [entry(s, weight_kg=None, notes=None) for s in (*UPPER, "seated_cable_row")],
        "repaired",
    ),
    Case(
        "weight_on_a_dip_station",
        MAN,
        lambda: [
            entry("parallel_bar_dips", weight_kg=30.0),
            *(
                entry(s, weight_kg=40.0)
                for s in ("barbell_bent_over_row", "lat_pulldown", "machine_shoulder_press")
            ),
        ],
        "repaired",
    ),
    Case(
        "fractional_loads",
        MAN,
        lambda: [entry(s, weight_kg=33.3) for s in (*UPPER, "seated_cable_row")],
        "repaired",
    ),
    # --- populations --------------------------------------------------------------------
    Case(
        "teen_110kg_and_calorie_deficit",
        TEEN,
        lambda: heavy(
            "goblet_squat",
            "dumbbell_bench_press",
            "seated_cable_row",
            "leg_press",
            kg=110,
            reps=(8, 8),
            sets=5,
        ),
        "repaired",
        texts={"rationale": "Дефицит 700 ккал в день и тяжёлые веса — так быстрее похудеешь."},
    ),
    Case(
        "teen_power_lifts",
        TEEN,
        lambda: [
            entry(s, weight_kg=30.0, reps_min=3, reps_max=5)
            for s in (
                "power_clean",
                "push_press",
                "kettlebell_swing",
                "dumbbell_thruster",
                "seated_cable_row",
            )
        ],
        "repaired",
    ),
    Case(
        "child_with_gym_weights",
        CHILD,
        lambda: [
            entry(s, weight_kg=10.0)
            for s in (
                "goblet_squat",
                "dumbbell_bench_press",
                "one_arm_dumbbell_row",
                "barbell_curl",
            )
        ],
        "repaired",
    ),
    Case(
        "pull_ups_at_bmi_45",
        BMI45,
        lambda: [
            entry(s, weight_kg=None)
            for s in ("pull_up", "negative_pull_up", "hanging_knee_raise", "push_up", "leg_press")
        ],
        "repaired",
    ),
    Case(
        "jumps_at_bmi_38",
        BMI38,
        lambda: [
            entry(s, weight_kg=None)
            for s in ("jump_squat", "burpee", "tuck_jump", "push_up", "inverted_row")
        ],
        "repaired",
    ),
    Case(
        "eighty_year_old_spine_stack",
        OLD,
        lambda: [
            entry(s, weight_kg=60.0)
            for s in (
                "barbell_back_squat",
                "barbell_deadlift",
                "barbell_good_morning",
                "sumo_deadlift",
                "leg_press",
            )
        ],
        "repaired",
    ),
    Case(
        "eighty_year_old_no_balance_work",
        OLD,
        lambda: [
            entry(s, weight_kg=20.0, reps_min=10, reps_max=15)
            for s in (
                "leg_press",
                "machine_chest_press",
                "seated_cable_row",
                "machine_shoulder_press",
            )
        ],
        "repaired",
    ),
    Case(
        "minor_hard_work_on_a_rest_day",
        TEEN,
        lambda: heavy(
            "goblet_squat",
            "dumbbell_bench_press",
            "seated_cable_row",
            "leg_press",
            kg=40,
            reps=(4, 6),
            sets=4,
        ),
        "repaired",
        history=TEEN_AFTER_HARD,
    ),
    # --- equipment ----------------------------------------------------------------------
    Case(
        "home_user_gets_a_barbell",
        HOME_NOTHING,
        lambda: [
            entry(s, weight_kg=60.0)
            for s in (
                "barbell_bench_press",
                "barbell_bent_over_row",
                "leg_press",
                "lat_pulldown",
                "machine_shoulder_press",
            )
        ],
        "repaired",
    ),
    Case(
        "home_user_without_a_bar_gets_pull_ups",
        HOME_NOTHING,
        lambda: [
            entry(s, weight_kg=None)
            for s in ("pull_up", "chin_up", "inverted_row", "push_up", "pike_push_up")
        ],
        "repaired",
    ),
    Case(
        "home_user_without_bands_or_chair",
        HOME_NOTHING,
        lambda: [
            entry(s, weight_kg=None)
            for s in (
                "band_row",
                "band_lat_pulldown",
                "bench_dip",
                "push_up",
                "band_overhead_press",
            )
        ],
        "repaired",
    ),
    # --- session shape ------------------------------------------------------------------
    Case(
        "two_deadlifts_and_a_squat",
        MAN_ADVANCED,
        lambda: [
            entry(s, weight_kg=70.0)
            for s in (
                "barbell_deadlift",
                "sumo_deadlift",
                "barbell_back_squat",
                "barbell_bench_press",
                "barbell_bent_over_row",
            )
        ],
        "repaired",
    ),
    Case(
        "five_presses_on_an_upper_day",
        MAN,
        lambda: [
            entry(s, weight_kg=20.0)
            for s in (
                "barbell_bench_press",
                "dumbbell_bench_press",
                "incline_dumbbell_press",
                "machine_chest_press",
                "arnold_press",
            )
        ],
        "repaired",
    ),
    Case(
        "curls_before_presses",
        MAN,
        lambda: [
            entry(s, weight_kg=12.0)
            for s in (
                "dumbbell_curl",
                "dumbbell_lateral_raise",
                "dumbbell_bench_press",
                "one_arm_dumbbell_row",
                "seated_dumbbell_shoulder_press",
            )
        ],
        "repaired",
    ),
    Case(
        "advanced_weight_loss_without_conditioning",
        ADVANCED_LOSS,
        lambda: [
            entry(s, weight_kg=None, reps_min=10, reps_max=15, rest_seconds=60)
            for s in ("pull_up", "push_up", "chin_up", "pike_push_up", "inverted_row")
        ],
        "repaired",
    ),
    # --- texts --------------------------------------------------------------------------
    Case(
        "placeholder_texts",
        MAN,
        lambda: [
            entry(s, weight_kg=None, notes=n)
            for s, n in zip(
                ("push_up", "pull_up", "pike_push_up", "chin_up"),
                ("Без заметок", "-", "нет", "N/A"),
                strict=True,
            )
        ],
        "repaired",
        texts={"rationale": "N/A", "warmup": "-", "title": "—"},
    ),
    Case(
        "blank_notes",
        MAN,
        lambda: [
            entry(s, weight_kg=None, notes="   ")
            for s in ("push_up", "pull_up", "pike_push_up", "chin_up")
        ],
        "repaired",
    ),
    Case(
        "failure_and_max_test_for_a_beginner",
        MAN_BEGINNER,
        lambda: [
            entry(s, weight_kg=None, notes="Работай до отказа, в конце проверь 1ПМ.")
            for s in ("push_up", "bodyweight_squat", "inverted_row", "glute_bridge")
        ],
        "repaired",
    ),
    Case(
        "warm_up_below_the_bar",
        MAN,
        lambda: [
            entry(s, weight_kg=60.0)
            for s in (
                "barbell_bench_press",
                "barbell_bent_over_row",
                "barbell_overhead_press",
                "lat_pulldown",
            )
        ],
        "repaired",
        texts={"warmup": "5 минут кардио, затем «Жим штанги лёжа»: 2 подхода по 10 с 5 кг (~50%)."},
    ),
    # --- what only the model can fix: re-asked, else the fallback ----------------------
    Case(
        "seven_leg_exercises_on_an_upper_day",
        MAN,
        lambda: [entry(s, weight_kg=40.0) for s in LEGS7],
        "reasked",
    ),
    Case(
        "legs_again_the_day_after_legs",
        MAN,
        lambda: [
            entry(s, weight_kg=40.0)
            for s in (
                "leg_press",
                "hack_squat",
                "barbell_bench_press",
                "barbell_bent_over_row",
                "machine_shoulder_press",
            )
        ],
        "reasked",
        history=AFTER_LEGS,
    ),
    Case(
        "two_hour_session",
        MAN_ADVANCED,
        lambda: [
            entry(s, weight_kg=40.0, sets=5, rest_seconds=180)
            for s in (
                "barbell_bench_press",
                "barbell_bent_over_row",
                "dumbbell_bench_press",
                "seated_cable_row",
                "barbell_overhead_press",
                "lat_pulldown",
                "t_bar_row",
            )
        ],
        "reasked",
    ),
    Case(
        "seven_leg_exercises_twice",
        MAN,
        lambda: [entry(s, weight_kg=40.0) for s in LEGS7],
        "fallback",
    ),
    Case(
        "legs_again_twice",
        MAN,
        lambda: [
            entry(s, weight_kg=40.0)
            for s in (
                "leg_press",
                "hack_squat",
                "barbell_bench_press",
                "barbell_bent_over_row",
                "machine_shoulder_press",
            )
        ],
        "fallback",
        history=AFTER_LEGS,
    ),
    Case(
        "two_hour_session_twice",
        MAN_ADVANCED,
        lambda: [
            entry(s, weight_kg=40.0, sets=5, rest_seconds=180)
            for s in (
                "barbell_bench_press",
                "barbell_bent_over_row",
                "dumbbell_bench_press",
                "seated_cable_row",
                "barbell_overhead_press",
                "lat_pulldown",
                "t_bar_row",
            )
        ],
        "fallback",
    ),
]


def payload(case: Case, entries: list[Entry]) -> dict[str, Any]:
    texts = {
        "title": "Тренировка от AI",
        "rationale": "Сегодня работаем по плану недели.",
        "warmup": "5–10 минут лёгкого кардио и суставной разминки.",
        **case.texts,
    }
    return plan_payload(entries, **texts)


def make_generator(server: FakeOpenAIServer) -> LLMWorkoutGenerator:
    settings = Settings(
        bot_token="123456:ABCDEFGHIJKLMNOP",
        proxy_api_key="sk-test-hostile",
        proxy_api_url=server.base_url,
        llm_timeout_seconds=3.0,
        llm_total_budget_seconds=10.0,
        _env_file=None,
    )
    client = ChatCompletionsClient(
        settings, http_client=server.http_client, backoff_base_seconds=0.01
    )
    return LLMWorkoutGenerator(settings, client, CATALOGUE)


def test_the_corpus_is_big_and_covers_every_action() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.action for c in CASES} == {"repaired", "reasked", "fallback"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_answer_ends_in_a_plan_without_violations(
    openai_server: FakeOpenAIServer, case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="trainer_bot.training.gate")
    profile, history = case.profile, list(case.history)
    slot = next_session(profile, history, today=TODAY, catalogue=CATALOGUE)
    hostile = case.entries()
    listed = session_shortlist(profile, allowed_exercises(profile, CATALOGUE), slot, history)
    # The answer must pass the shortlist validation: its exercises are listed too.
    extra = [BY_SLUG[e["slug"]] for e in [*hostile, *good_entries(case)]]
    allowed = list({e.slug: e for e in [*listed, *extra]}.values())
    bad = completion_response(payload(case, hostile))
    if case.action == "reasked":
        openai_server.enqueue(bad, completion_response(payload(case, good_entries(case))))
    else:
        openai_server.enqueue(bad, bad)
    generator = make_generator(openai_server)
    try:
        outcome = await generator.generate(
            user_id=1,
            profile=profile,
            allowed=allowed,
            history=history,
            session_hint=slot.prompt_hint(),
            focus=slot.focus,
            today=TODAY,
        )
    finally:
        await generator._client.aclose()
    assert outcome.violations, "the hostile answer must break a rule"
    # One plan_check line for the LLM's plan: its violation kinds and what was done.
    lines = [r.getMessage() for r in caplog.records if "source=llm" in r.getMessage()]
    assert lines == [
        f"plan_check user=1 source=llm violations={','.join(outcome.violations)} "
        f"action={case.action}"
    ]
    assert outcome.rules_action == case.action, (outcome.rules_action, outcome.detail)
    final = outcome.plan
    if final is None:
        # What the service does next: the rule-based plan, through the gate as well.
        fallback = generate_fallback_workout(profile, history, CATALOGUE, today=TODAY)
        final = gate_fallback(fallback, profile, history, CATALOGUE, today=TODAY, user_id=1)
    assert isinstance(final, WorkoutPlan)
    found = check(final, profile, history, catalogue=CATALOGUE, today=TODAY)
    assert found == [], [str(v) for v in found]
    assert openai_server.calls == (1 if case.action == "repaired" else 2)
