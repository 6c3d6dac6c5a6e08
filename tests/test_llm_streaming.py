"""The LLM answer streamed over real HTTP (the fake server speaks server-sent events):
drafts that grow with checked exercises only, cuts, refusals and proxies that do not
stream, each ending with a workout and nothing unchecked on screen."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest

from tests.fakes.openai_server import (
    FakeOpenAIServer,
    ScriptedResponse,
    completion_response,
    error_response,
    openai_server_fixture,  # noqa: F401 - registers the `openai_server` fixture
    plan_payload,
    sample_catalogue,
)
from trainer_bot.config import Settings
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.llm import client as client_module
from trainer_bot.llm.client import ChatCompletionsClient
from trainer_bot.llm.drafting import DraftPlan
from trainer_bot.llm.generator import LLMOutcome, LLMWorkoutGenerator
from trainer_bot.training.plan import PlannedExercise
from trainer_bot.training.rules_check import check_exercise
from trainer_bot.training.schemas import TrainingProfile

API_KEY = "sk-test-secret-key"
CATALOGUE = sample_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}
BY_NAME = {e.name: e for e in CATALOGUE}
ALLOWED = [
    BY_SLUG[s]
    for s in (
        "back_squat",
        "bench_press",
        "lat_pulldown",
        "dumbbell_row",
        "push_up",
        "pull_up",
        "bodyweight_squat",
        "lunge",
        "plank",
    )
]
FOCUS = "full_body_a"
PROFILE = TrainingProfile(
    gender=Gender.MALE,
    age=28,
    height_cm=180,
    weight_kg=80,
    level=FitnessLevel.BEGINNER,
    goal=Goal.MASS_GAIN,
    target_weight_kg=85,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)


def good_plan(**overrides: Any) -> dict[str, Any]:
    return plan_payload(
        [
            {"slug": "back_squat", "weight_kg": 50.0, "rest_seconds": 120},
            {"slug": "bench_press", "weight_kg": 40.0, "rest_seconds": 120},
            {"slug": "lat_pulldown", "weight_kg": 35.0},
            "push_up",
            {"slug": "plank", "reps_min": 30, "reps_max": 45, "rest_seconds": 60},
        ],
        **overrides,
    )


def streamed(plan: dict[str, Any], **fields: Any) -> ScriptedResponse:
    response = completion_response(plan, prompt_tokens=1500, completion_tokens=700)
    for name, value in fields.items():
        setattr(response, name, value)
    return response


class Drafts:
    """A DraftListener that keeps every draft."""

    def __init__(self) -> None:
        self.seen: list[DraftPlan] = []

    def update(self, draft: DraftPlan) -> None:
        self.seen.append(draft)

    @property
    def counts(self) -> list[int]:
        return [len(d.exercises) for d in self.seen]


def make_generator(server: FakeOpenAIServer, **overrides: Any) -> LLMWorkoutGenerator:
    settings = Settings(
        bot_token="123456:ABCDEFGHIJKLMNOP",
        proxy_api_key=API_KEY,
        proxy_api_url=server.base_url,
        _env_file=None,
        **{"llm_timeout_seconds": 2.0, "llm_total_budget_seconds": 5.0, **overrides},
    )
    client = ChatCompletionsClient(
        settings, http_client=server.http_client, backoff_base_seconds=0.01
    )
    return LLMWorkoutGenerator(settings, client, CATALOGUE)


async def generate(generator: LLMWorkoutGenerator, drafts: Drafts | None) -> LLMOutcome:
    return await generator.generate(
        user_id=42,
        profile=PROFILE,
        allowed=ALLOWED,
        history=[],
        session_hint="focus=full_body_a",
        focus=FOCUS,
        listener=drafts,
    )


def assert_all_checked(drafts: Drafts) -> None:
    """Every exercise any draft showed passes the per-exercise rules check."""
    for draft in drafts.seen:
        for item in draft.exercises:
            exercise = BY_NAME[item.name]
            planned = PlannedExercise(
                slug=exercise.slug,
                sets=item.sets,
                reps_min=item.reps_min,
                reps_max=item.reps_max,
                weight_kg=item.weight_kg,
                rest_seconds=item.rest_seconds,
                notes="Подбери вес: оставляй 2–3 повтора в запасе.",
            )
            assert check_exercise(planned, exercise, PROFILE, FOCUS) == [], item


def llm_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("trainer_bot.llm") and r.levelno >= logging.INFO
    ]


async def test_drafts_grow_with_checked_exercises_only(
    openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    plan = good_plan()
    plan["exercises"][0]["weight_kg"] = 140.0  # over the first-time limit: shown capped
    plan["exercises"][1]["sets"] = 12  # clamped
    plan["exercises"].insert(2, {**plan["exercises"][3], "slug": "deadlift", "position": 3})
    openai_server.enqueue(streamed(plan, piece_chars=5))
    drafts = Drafts()
    caplog.set_level(logging.INFO)
    outcome = await generate(make_generator(openai_server), drafts)

    assert outcome.plan is not None and outcome.streamed and outcome.calls == 1
    assert (outcome.prompt_tokens, outcome.completion_tokens) == (1500, 700)  # final chunk
    [request] = openai_server.requests
    assert request.json["stream"] is True
    assert request.json["stream_options"] == {"include_usage": True}
    # The title first, then one exercise at a time; the rationale once it is written.
    first = drafts.seen[0]
    assert first.title == plan["title"] and first.exercises == () and not first.rebuilding
    assert drafts.counts == sorted(drafts.counts) and drafts.counts[-1] == 5
    assert all(b - a <= 1 for a, b in itertools.pairwise(drafts.counts))
    assert drafts.seen[-1].rationale == plan["rationale"]
    assert_all_checked(drafts)
    names = [item.name for item in drafts.seen[-1].exercises]
    assert "Становая тяга" not in names  # not on the list the prompt showed: never shown
    squat = drafts.seen[-1].exercises[0]
    assert squat.name == "Приседания со штангой" and squat.weight_kg is not None
    assert squat.weight_kg < 140.0
    [line] = [m for m in llm_lines(caplog) if m.startswith("llm_workout")]
    assert "stream=on" in line and "prompt_tokens=1500" in line


async def test_chunks_split_mid_token_and_mid_letter_give_the_same_plan(
    openai_server: FakeOpenAIServer,
) -> None:
    plan = good_plan(rationale="Сегодня — «база»: присед, жим, тяга и планка; ёмко и по делу.")
    openai_server.enqueue(completion_response(plan))
    plain = await generate(make_generator(openai_server, llm_stream=False), None)
    openai_server.enqueue(streamed(plan, piece_chars=3, split_utf8=True))
    drafts = Drafts()
    outcome = await generate(make_generator(openai_server), drafts)
    assert outcome.streamed and not plain.streamed
    assert outcome.plan is not None and plain.plan is not None
    assert outcome.plan.model_dump() == plain.plan.model_dump()
    assert drafts.seen[-1].rationale == plan["rationale"]
    assert "stream" not in openai_server.requests[0].json


async def test_a_stream_cut_half_way_is_retried_and_the_draft_starts_over(
    openai_server: FakeOpenAIServer,
) -> None:
    plan = good_plan()
    openai_server.enqueue(streamed(plan, pieces=100, cut_after=70), streamed(plan))
    drafts = Drafts()
    outcome = await generate(make_generator(openai_server), drafts)
    assert outcome.outcome == "ok" and outcome.attempts == 2 and outcome.calls == 1
    cut = next(i for i, d in enumerate(drafts.seen) if d.rebuilding)
    assert drafts.counts[cut - 1] >= 2  # exercises were on screen when the stream broke
    assert drafts.seen[cut] == DraftPlan(rebuilding=True)  # nothing of the cut answer stays
    assert drafts.counts[-1] == 5 and drafts.seen[-1].rebuilding
    assert_all_checked(drafts)


async def test_a_stream_cut_every_time_falls_back_with_nothing_on_screen(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.enqueue(*(streamed(good_plan(), pieces=100, cut_after=80) for _ in range(3)))
    drafts = Drafts()
    outcome = await generate(make_generator(openai_server), drafts)
    assert outcome.plan is None and outcome.reason == "timeout" and outcome.attempts == 3
    assert max(drafts.counts) >= 3
    assert drafts.seen[-1] == DraftPlan(rebuilding=True)  # the fallback's plan replaces it


async def test_a_plan_rejected_after_streaming_is_rebuilt(
    openai_server: FakeOpenAIServer,
) -> None:
    short = good_plan()
    short["exercises"] = short["exercises"][:3]  # fewer than four: re-asked
    openai_server.enqueue(streamed(short), streamed(good_plan()))
    drafts = Drafts()
    outcome = await generate(make_generator(openai_server), drafts)
    assert outcome.outcome == "repaired" and outcome.reason == "reask" and outcome.calls == 2
    rebuilt = drafts.seen.index(DraftPlan(rebuilding=True))
    assert drafts.counts[rebuilt - 1] == 3
    assert drafts.counts[-1] == 5
    assert_all_checked(drafts)


async def test_a_plan_rejected_twice_leaves_only_rebuilding(
    openai_server: FakeOpenAIServer,
) -> None:
    short = good_plan()
    short["exercises"] = short["exercises"][:3]
    openai_server.enqueue(streamed(short), streamed(short))
    drafts = Drafts()
    outcome = await generate(make_generator(openai_server), drafts)
    assert outcome.plan is None and outcome.calls == 2
    assert drafts.seen[-1] == DraftPlan(rebuilding=True)


async def test_a_proxy_that_does_not_stream_is_not_asked_again(
    openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    openai_server.enqueue(streamed(good_plan(), stream=False), streamed(good_plan()))
    generator = make_generator(openai_server)
    drafts = Drafts()
    caplog.set_level(logging.INFO)
    outcome = await generate(generator, drafts)
    assert outcome.outcome == "ok" and not outcome.streamed and drafts.seen == []
    again = await generate(generator, Drafts())
    assert again.outcome == "ok" and not again.streamed
    first, second = openai_server.requests
    assert first.json["stream"] is True and "stream" not in second.json
    off = [m for m in llm_lines(caplog) if "streaming off" in m]
    assert off == ["LLM streaming off for this process: the proxy answered application/json"]


async def test_a_proxy_that_refuses_stream_gets_the_plain_call_at_once(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.enqueue(
        error_response(400, "Unrecognized request argument supplied: stream_options"),
        completion_response(good_plan()),
    )
    generator = make_generator(openai_server)
    outcome = await generate(generator, Drafts())
    assert outcome.outcome == "ok" and outcome.attempts == 2 and not outcome.streamed
    first, second = openai_server.requests
    assert first.json["stream"] is True and "stream" not in second.json
    assert not generator._client.streaming
    assert generator._client.breaker.state.value == "closed"


async def test_a_proxy_that_streams_nothing_in_time_is_not_asked_to_stream_again(
    openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "STREAM_FIRST_CHUNK_SECONDS", 0.05)
    openai_server.enqueue(streamed(good_plan(), first_piece_delay=0.2))
    generator = make_generator(openai_server)
    outcome = await generate(generator, Drafts())
    assert outcome.outcome == "ok" and outcome.streamed  # this answer is read to the end
    assert not generator._client.streaming


async def test_a_failing_draft_listener_never_costs_the_workout(
    openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def update(self, draft: DraftPlan) -> None:
            raise RuntimeError("listener bug")

    openai_server.enqueue(streamed(good_plan()))
    outcome = await generate(make_generator(openai_server), Broken())  # type: ignore[arg-type]
    assert outcome.outcome == "ok" and outcome.streamed
    stopped = [r for r in caplog.records if "Workout draft stopped" in r.getMessage()]
    assert len(stopped) == 1
