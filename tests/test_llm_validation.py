"""Validation and repairs of the model's JSON, plus the prompt and the strict schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from benchmarks.prompt_size import prompt_size
from tests.fakes.openai_server import (
    RecordedRequest,
    make_exercise,
    plan_from_request,
    plan_payload,
    sample_catalogue,
)
from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import Equipment, EquipmentType, FitnessLevel, Gender, Goal, WorkoutStatus
from trainer_bot.llm.answer import build_response_format
from trainer_bot.llm.prompt import (
    ALLOWED_HEADER,
    EQUIPMENT_CODES,
    SYSTEM_PROMPT,
    build_messages,
    build_reask_messages,
    parse_allowed_lines,
)
from trainer_bot.llm.validation import validate_plan
from trainer_bot.training.plan import PlannedExercise, ShortlistCheck, WorkoutPlan
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

CATALOGUE = sample_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}
ALLOWED = [
    BY_SLUG[s] for s in ("back_squat", "bench_press", "lat_pulldown", "push_up", "pull_up", "plank")
]
PROFILE = TrainingProfile(
    gender=Gender.FEMALE,
    age=30,
    height_cm=168,
    weight_kg=64,
    level=FitnessLevel.INTERMEDIATE,
    goal=Goal.MAINTENANCE,
    target_weight_kg=64,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)


def good() -> dict[str, Any]:
    return plan_payload(
        [
            {"slug": "back_squat", "weight_kg": 40.0},
            {"slug": "bench_press", "weight_kg": 30.0},
            {"slug": "lat_pulldown", "weight_kg": 30.0},
            "pull_up",
            {"slug": "plank", "reps_min": 30, "reps_max": 45},
        ]
    )


def test_valid_plan_passes_untouched() -> None:
    result = validate_plan(good(), ALLOWED, profile=PROFILE)
    assert result.ok and result.repairs == () and result.errors == ()
    assert result.plan is not None
    assert [e.slug for e in result.plan.exercises] == [
        "back_squat",
        "bench_press",
        "lat_pulldown",
        "pull_up",
        "plank",
    ]
    assert result.plan.exercises[0].weight_kg == 40.0
    assert result.plan.exercises[4].reps_min == 30  # seconds for a timed exercise


def test_accepts_a_mapping_of_allowed() -> None:
    assert validate_plan(good(), {e.slug: e for e in ALLOWED}).ok


def test_clamps_ranges() -> None:
    plan = good()
    first = plan["exercises"][0]
    first.update(sets=9, reps_min=0, reps_max=50, rest_seconds=5, weight_kg=900)
    plan["exercises"][4].update(reps_min=2, reps_max=600)  # timed: 10-180 s
    plan["exercises"][2]["rest_seconds"] = 1000
    result = validate_plan(plan, ALLOWED)
    assert result.ok and result.plan is not None
    squat, _, pulldown, _, plank = result.plan.exercises
    assert (squat.sets, squat.reps_min, squat.reps_max) == (6, 1, 30)
    assert (squat.rest_seconds, squat.weight_kg) == (15, 300.0)
    assert pulldown.rest_seconds == 300
    assert (plank.reps_min, plank.reps_max) == (10, 180)
    assert len(result.repairs) == 6


def test_swaps_reps_and_drops_bodyweight_weight() -> None:
    plan = good()
    plan["exercises"][0].update(reps_min=12, reps_max=8)
    plan["exercises"][3]["weight_kg"] = 10  # pull_up on a pull-up bar
    result = validate_plan(plan, ALLOWED)
    assert result.plan is not None
    assert (result.plan.exercises[0].reps_min, result.plan.exercises[0].reps_max) == (8, 12)
    assert result.plan.exercises[3].weight_kg is None
    assert "back_squat: swapped reps_min and reps_max" in result.repairs
    assert "pull_up: dropped weight on a bodyweight exercise" in result.repairs


def test_renumbers_and_orders_by_position() -> None:
    plan = good()
    for entry, position in zip(plan["exercises"], [3, 1, 7, 7, 9], strict=True):
        entry["position"] = position
    result = validate_plan(plan, ALLOWED)
    assert result.plan is not None
    assert [e.slug for e in result.plan.exercises] == [
        "bench_press",
        "back_squat",
        "lat_pulldown",
        "pull_up",
        "plank",
    ]
    assert "renumbered positions 1..n" in result.repairs
    assert "reordered exercises by position" in result.repairs


def test_drops_unknown_disallowed_and_duplicate_entries() -> None:
    plan = good()
    extra = [
        {**plan["exercises"][0], "slug": "made_up"},
        {**plan["exercises"][0], "slug": "deadlift"},  # in the catalogue, not allowed
        dict(plan["exercises"][1]),
        {"slug": "push_up"},  # broken shape
    ]
    plan["exercises"].extend(extra)
    result = validate_plan(plan, ALLOWED)
    assert result.ok and result.plan is not None
    assert len(result.plan.exercises) == 5
    dropped = [r for r in result.repairs if r.startswith("dropped: ")]
    assert len(dropped) == 4
    assert any("'made_up' is not in the allowed list" in r for r in dropped)
    assert any("'bench_press' appears twice" in r for r in dropped)
    assert any("broken shape" in r for r in dropped)


def test_keeps_at_most_seven() -> None:
    allowed = list(CATALOGUE)
    plan = plan_payload(
        [
            {
                "slug": e.slug,
                "weight_kg": None if e.equipment in {"bodyweight", "pullup_bar"} else 20.0,
            }
            for e in CATALOGUE
            if not e.is_timed
        ][:9]
    )
    result = validate_plan(plan, allowed)
    assert result.plan is not None and len(result.plan.exercises) == 7
    assert "kept the first 7 of 9 exercises" in result.repairs


def test_shortens_long_texts() -> None:
    plan = good()
    plan["title"] = "Т" * 300
    plan["focus"] = "full_body_a_with_a_very_long_focus_name"
    plan["exercises"][0]["notes"] = "н" * 400
    result = validate_plan(plan, ALLOWED)
    assert result.plan is not None
    assert len(result.plan.title) == 128 and len(result.plan.focus) == 32
    assert len(result.plan.exercises[0].notes or "") == 300


def test_minor_gets_at_least_eight_reps() -> None:
    teen = TrainingProfile(
        gender=Gender.MALE,
        age=15,
        height_cm=170,
        weight_kg=58,
        level=FitnessLevel.BEGINNER,
        goal=Goal.MASS_GAIN,
        target_weight_kg=62,
        workouts_per_week=2,
        equipment=EquipmentType.GYM,
    )
    plan = good()
    plan["exercises"][0].update(reps_min=4, reps_max=6)
    result = validate_plan(plan, ALLOWED, profile=teen)
    assert result.plan is not None
    assert (result.plan.exercises[0].reps_min, result.plan.exercises[0].reps_max) == (8, 8)
    assert result.plan.exercises[4].reps_min == 30  # timed work is in seconds: untouched


@pytest.mark.parametrize(
    ("data", "reason", "fragment"),
    [
        ([1, 2], "schema", "JSON object"),
        ("text", "schema", "JSON object"),
        ({"title": "x"}, "schema", "exercises"),
        ({**plan_payload([]), "exercises": "squat"}, "schema", "exercises"),
        (plan_payload(["push_up", "pull_up", "push_up"]), "validation", "need 4-7"),
        (plan_payload(["made_up"] * 5), "validation", "'made_up' is not in the allowed list"),
        ({**plan_payload(["pull_up"]), "exercises": []}, "validation", "need 4-7"),
        ({**good(), "warmup": "   "}, "validation", "'warmup' must not be empty"),
    ],
)
def test_unusable_answers_give_errors(data: Any, reason: str, fragment: str) -> None:
    result = validate_plan(data, ALLOWED)
    assert not result.ok and result.plan is None
    assert result.reason == reason
    assert any(fragment in error for error in result.errors), result.errors


def test_wrong_types_in_one_entry_drop_only_that_entry() -> None:
    plan = good()
    plan["exercises"].append({**plan["exercises"][0], "slug": "push_up", "sets": "many"})
    result = validate_plan(plan, ALLOWED)
    assert result.ok and result.plan is not None and len(result.plan.exercises) == 5


def test_non_finite_weight_is_dropped() -> None:
    plan = json.loads(json.dumps(good()).replace('"weight_kg": 40.0', '"weight_kg": NaN'))
    result = validate_plan(plan, ALLOWED)
    assert result.plan is not None and result.plan.exercises[0].weight_kg is None


def test_the_plan_model_checks_an_answer_only_with_a_shortlist() -> None:
    """The rule-based plan (10 conditioning rounds) and the LLM's answer are one model;
    the answer's narrower ranges apply only in a `ShortlistCheck` context."""
    exercise = {"sets": 10, "reps_min": 12, "reps_max": 15, "rest_seconds": 45}
    data = {
        "focus": "lower",
        "title": "Низ тела",
        "rationale": "Ноги.",
        "warmup": "Разминка.",
        "exercises": [{**exercise, "slug": e.slug} for e in ALLOWED[:4]],
    }
    assert len(WorkoutPlan.model_validate(data).exercises) == 4
    with pytest.raises(ValidationError, match="back_squat: sets must be 1-6"):
        WorkoutPlan.model_validate(data, context=ShortlistCheck(allowed=BY_SLUG))
    with pytest.raises(ValidationError, match="'made_up' is not in the allowed list"):
        WorkoutPlan.model_validate(
            {**data, "exercises": [{**exercise, "slug": "made_up", "sets": 3}]},
            context=ShortlistCheck(allowed=BY_SLUG),
        )
    with pytest.raises(ValidationError, match="at least one exercise"):
        WorkoutPlan.model_validate({**data, "exercises": []})


# --- the strict schema ------------------------------------------------------------------------


def walk(schema: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(schema, dict):
        found.append((path, schema))
        for key, value in schema.items():
            found.extend(walk(value, f"{path}.{key}"))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found.extend(walk(value, f"{path}[{index}]"))
    return found


def test_schema_follows_strict_mode_rules() -> None:
    response_format = build_response_format()
    assert response_format["type"] == "json_schema"
    spec = response_format["json_schema"]
    assert spec["strict"] is True and spec["name"] == "workout"
    schema = spec["schema"]
    assert schema["type"] == "object"
    objects = 0
    for path, node in walk(schema):
        assert "default" not in node, path
        if node.get("type") == "object":
            objects += 1
            assert node["additionalProperties"] is False, path
            assert sorted(node["required"]) == sorted(node["properties"]), path
    assert objects == 2
    item = schema["properties"]["exercises"]["items"]["properties"]
    assert item["slug"]["type"] == "string"
    assert item["weight_kg"]["type"] == ["number", "null"]
    assert item["notes"]["type"] == ["string", "null"]
    # A real property named `title` must be there (pydantic's titles were never added).
    assert "title" in schema["properties"]
    json.dumps(response_format)  # serialisable as is


def test_schema_is_the_plan_model_plus_positions() -> None:
    """Derived, not restated: a field added to the plan reaches the schema by itself."""
    schema = build_response_format()["json_schema"]["schema"]
    # The plan's fields, the exercises moved up right after the title (a streamed answer
    # shows them sooner; the rationale and the warm-up are written knowing them).
    plan_order = [name for name in WorkoutPlan.model_fields if name != "exercises"]
    at = plan_order.index("title") + 1
    assert list(schema["properties"]) == [*plan_order[:at], "exercises", *plan_order[at:]]
    item = schema["properties"]["exercises"]["items"]
    assert list(item["properties"]) == ["position", *PlannedExercise.model_fields]
    assert item["properties"]["rest_seconds"] == {"type": "integer"}  # bounds stay in pydantic
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)


def test_schema_is_the_same_for_every_request_and_names_no_slug() -> None:
    """No `enum`: over the catalogue it cost ~1,200 tokens per call, over the listed slugs
    it would change per request. Validation refuses what was not listed instead."""
    assert build_response_format() == build_response_format()
    text = json.dumps(build_response_format())
    assert "enum" not in text
    assert not any(f'"{e.slug}"' in text for e in default_catalogue())


# --- the prompt -------------------------------------------------------------------------------


def test_system_prompt_states_the_rules() -> None:
    for fragment in (
        "Russian",
        "4-7 exercises",
        "none twice",
        "compound before isolation",
        "mass_gain",
        "weight_loss",
        "maintenance",
        "RIR",
        "warmup: 5-10 min",
        "weight_kg",
        "kg",
        "Age 10-13",
        "14-17",
        "BMI >= 35",
        "allowed list",
        "Timed (T)",
        "Russian",
        "focus",
    ):
        assert fragment in SYSTEM_PROMPT, fragment


def test_user_message_holds_profile_hint_history_and_allowed_only() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    history = [
        PastWorkout(now - timedelta(days=2), WorkoutStatus.COMPLETED, "upper", ("bench_press",)),
        PastWorkout(now - timedelta(days=4), WorkoutStatus.SKIPPED, "lower", ("back_squat",)),
    ] + [PastWorkout(now - timedelta(days=9), WorkoutStatus.COMPLETED, "old", ("zzz",))] * 3
    system, user = build_messages(PROFILE, ALLOWED, history, "focus=lower; Низ тела", now=now)
    assert system["content"] == SYSTEM_PROMPT
    text = user["content"]
    assert "female, age 30, 168 cm, 64 kg (BMI 22.7)" in text
    assert "level intermediate, goal maintenance" in text
    assert "Session plan: focus=lower; Низ тела" in text
    assert "- 2d ago completed upper: bench_press" in text
    assert "- 4d ago skipped lower: back_squat" in text
    assert text.count("old:") == 1  # only the last three workouts
    # Grouped by pattern in the order given; equipment as a one-letter column.
    assert "\n[squat]\nback_squat|quads|b\n[horizontal_push]\nbench_press|chest|b\n" in text
    assert "push_up|chest|w\n" in text
    assert "pull_up|back|p\n" in text
    assert text.endswith("[core]\nplank|core|w|IT")
    assert "deadlift" not in text
    parsed = parse_allowed_lines(text)
    assert [line.slug for line in parsed] == [
        "back_squat",
        "bench_press",
        "push_up",
        "lat_pulldown",
        "pull_up",
        "plank",
    ]
    by_slug = {line.slug: line for line in parsed}
    assert by_slug["pull_up"].equipment == "pullup_bar"
    assert by_slug["pull_up"].movement == "vertical_pull"
    assert by_slug["lat_pulldown"].equipment == "cable"
    assert by_slug["plank"].is_timed and not by_slug["plank"].is_compound
    assert ALLOWED_HEADER in text


def test_every_equipment_has_a_code_and_the_header_explains_it() -> None:
    assert set(EQUIPMENT_CODES) == set(Equipment)
    assert len(set(EQUIPMENT_CODES.values())) == len(Equipment)
    for code in EQUIPMENT_CODES.values():
        assert f" {code} " in ALLOWED_HEADER, code


def test_fake_plan_from_request_is_valid() -> None:
    messages = build_messages(PROFILE, ALLOWED, [], "focus=full_body_a")
    request = RecordedRequest("POST", "/v1/chat/completions", {}, b"", {"messages": messages}, 0)
    result = validate_plan(plan_from_request(request), ALLOWED, profile=PROFILE)
    assert result.ok and result.repairs == ()


def test_reask_messages() -> None:
    assistant, user = build_reask_messages('{"x": 1}', ["'a' is not in the allowed list"])
    assert assistant == {"role": "assistant", "content": '{"x": 1}'}
    assert user["role"] == "user"
    assert "- 'a' is not in the allowed list" in user["content"]


def realistic_request_parts(
    catalogue: list[CatalogueExercise],
) -> tuple[list[PastWorkout], str]:
    """Three recent workouts of six exercises and a session hint as long as the split's."""
    now = datetime.now(UTC)
    history = [
        PastWorkout(
            now - timedelta(days=day),
            WorkoutStatus.COMPLETED,
            "upper",
            tuple(e.slug for e in catalogue[day * 6 : day * 6 + 6]),
        )
        for day in (1, 3, 5)
    ]
    hint = (
        "focus lower; theme «Низ тела: ноги и ягодицы»; reason «Третья тренировка недели "
        "из пяти: вчера был верх, сегодня ноги.»; patterns squat, hinge, lunge, "
        "leg_isolation, core; do not load hard (trained < 48 h ago): chest, shoulders."
    )
    return history, hint


def big_catalogue(count: int) -> list[CatalogueExercise]:
    """Realistic slug lengths (about 16 characters on average, as in the real catalogue)."""
    names = [
        ("barbell_back_squat", ("quads", "glutes")),
        ("incline_dumbbell_press", ("chest",)),
        ("cable_pushdown", ("triceps",)),
        ("dumbbell_rdl", ("hamstrings",)),
        ("one_arm_dumbbell_row", ("back",)),
    ]
    equipment = ["barbell", "dumbbell", "cable", "machine", "bodyweight", "kettlebell"]
    return [
        make_exercise(
            f"{names[i % 5][0]}_{i}",
            "Упражнение",
            names[i % 5][1],
            equipment[i % 6],
            is_compound=i % 3 != 0,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [40, 66])
def test_prompt_stays_compact_for_a_long_list(count: int) -> None:
    """66 is the longest session shortlist of the real catalogue (see test_llm_shortlist)."""
    catalogue = big_catalogue(count)
    history, hint = realistic_request_parts(catalogue)
    size = prompt_size(PROFILE, catalogue, history, hint)
    assert size.allowed_count == count
    assert size.total_tokens < 2000, size.as_dict()
    assert size.total_chars == size.system_chars + size.user_chars + size.schema_chars
    assert size.as_dict()["messages_tokens_est"] == size.messages_tokens
