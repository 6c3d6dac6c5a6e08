"""WorkoutService + a real LLMWorkoutGenerator and ChatCompletionsClient, over real HTTP
to the fake OpenAI server on 127.0.0.1, with the real catalogue and real Postgres.

Every case ends with a saved workout (`llm` when the model's plan was usable, `fallback`
otherwise), the right number of HTTP attempts on the wire, one `llm_workout` log line with
the right outcome/reason/attempts, only allowed exercises, and no API key in any log.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.openai_server import (
    RecordedRequest,
    ScriptedResponse,
    completion_response,
    empty_choices_response,
    error_response,
    plan_from_request,
    plan_payload,
    refusal_response,
)
from tests.support.dialogs import UserSession
from tests.support.harness import build_harness
from tests.support.llm_env import (
    API_KEY,
    BUDGET,
    PROFILE,
    Env,
    create_user,
)
from tests.support.llm_env import env as env  # the fixtures
from tests.support.llm_env import make_env as make_env
from tests.support.llm_env import openai_server as openai_server
from tests.support.llm_env import shared_openai_server as shared_openai_server
from tests.support.plans import plan_of
from tests.support.registration import fill_until
from tests.training_checker import check_workout
from trainer_bot.app import create_state_backend
from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import (
    HOME_EQUIPMENT,
    Equipment,
)
from trainer_bot.db.models import User, Workout
from trainer_bot.llm import session_shortlist
from trainer_bot.llm.prompt import parse_allowed_lines
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.training_profile import profile_of
from trainer_bot.services.workouts import RequestOutcome
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import next_session

SessionFactory = async_sessionmaker[AsyncSession]
CATALOGUE = default_catalogue()
CATALOGUE_SLUGS = frozenset(e.slug for e in CATALOGUE)
LLM_TITLE = "Силовая от AI: ноги и спина"
INVENTED = "quantum_flux_squat"
_telegram_ids = itertools.count(7_380_000)  # dialog users (create_user counts its own)
ALLOWED = allowed_exercises(PROFILE, CATALOGUE)
ALLOWED_SLUGS = frozenset(e.slug for e in ALLOWED)
# A new user's first session (no history: the same whatever the date) and what its prompt
# lists: the only exercises an LLM plan may hold.
FIRST_SESSION = next_session(PROFILE, [], today=date(2026, 3, 5), catalogue=CATALOGUE)
LISTED = session_shortlist(PROFILE, ALLOWED, FIRST_SESSION, [])
LISTED_SLUGS = frozenset(e.slug for e in LISTED)


def _entry(exercise: CatalogueExercise) -> dict[str, Any]:
    loaded = exercise.equipment not in HOME_EQUIPMENT
    # A first load within training.md's limits for PROFILE (dumbbells are per hand).
    per_hand = exercise.equipment in (Equipment.DUMBBELL, Equipment.KETTLEBELL)
    weight = (16.0 if per_hand else 40.0) if loaded else None
    return {"slug": exercise.slug, "weight_kg": weight, "rest_seconds": 120}


# One compound lift per pattern of the session, in session order: a plan that keeps the
# rules (pushing and pulling balanced, the title's muscles trained).
_COMPOUND = [
    e for e in LISTED if e.is_compound and not e.is_timed and e.movement in FIRST_SESSION.movements
]
_FIRSTS = list({e.movement: e for e in reversed(_COMPOUND)}.values())[::-1]
GOOD_EXERCISES = [*_FIRSTS, *(e for e in _COMPOUND if e not in _FIRSTS)][:5]


def good_plan(**overrides: Any) -> dict[str, Any]:
    """A valid plan for PROFILE from its listed exercises: 5 compound lifts."""
    return plan_payload([_entry(e) for e in GOOD_EXERCISES], title=LLM_TITLE, **overrides)


def good_response() -> ScriptedResponse:
    return completion_response(good_plan())


def with_entries(entries: list[Any]) -> dict[str, Any]:
    return plan_payload(entries, title=LLM_TITLE)


@pytest.fixture(autouse=True)
def _no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.DEBUG)
    yield
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            text = " ".join(
                [record.getMessage(), str(record.args), record.exc_text or "", str(record.msg)]
            )
            assert API_KEY not in text, f"API key leaked in a log record of {record.name}"
    assert API_KEY not in caplog.text


async def get_workout(env: Env) -> Workout:
    """A new user asks for a workout; the service generates and saves it."""
    user_id = await create_user(env.session_factory)
    service = env.service()
    async with env.session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        assert profile_of(user) == PROFILE
        started = await service.request(session, user.telegram_id)
        assert started.outcome is RequestOutcome.STARTED and started.job is not None
    workout_id = await service.generate_and_save(started.job)
    async with env.session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        workout = await workout_queries.get_for_user(session, workout_id, user.id)
        assert workout is not None
        assert user.workout_generation_started_at is None
        assert user.last_workout_at == env.clock()
        return workout


def check(
    env: Env,
    workout: Workout,
    caplog: pytest.LogCaptureFixture,
    *,
    source: str,
    outcome: str,
    reason: str,
    attempts: int,
) -> str:
    """The saved workout, the wire and the log line agree with the expected case."""
    assert workout.source == source
    assert env.server.calls == attempts, [r.path for r in env.server.requests]
    assert all(r.path == "/v1/chat/completions" for r in env.server.requests)
    assert all(r.headers.get("Authorization") == f"Bearer {API_KEY}" for r in env.server.requests)

    slugs = [item.exercise.slug for item in workout.exercises]
    assert 4 <= len(slugs) <= 7 and len(set(slugs)) == len(slugs)
    assert set(slugs) <= ALLOWED_SLUGS, set(slugs) - ALLOWED_SLUGS
    if source == "llm":
        assert set(slugs) <= LISTED_SLUGS, set(slugs) - LISTED_SLUGS
    assert INVENTED not in slugs
    assert [item.position for item in workout.exercises] == list(range(1, len(slugs) + 1))
    if source == "llm":
        assert workout.title == LLM_TITLE
    else:
        assert workout.title != LLM_TITLE
        problems = check_workout(
            plan_of(workout), PROFILE, CATALOGUE, [], today=workout.planned_date
        )
        assert problems == [], problems

    lines = [r for r in caplog.records if r.getMessage().startswith("llm_workout ")]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    [record] = lines
    message = record.getMessage()
    assert record.name == "trainer_bot.llm.generator"
    assert record.levelno == (logging.WARNING if outcome == "fallback" else logging.INFO)
    assert f" outcome={outcome} reason={reason} " in message, message
    assert f" attempts={attempts} " in message, message
    assert (record.llm_outcome, record.llm_reason, record.llm_attempts) == (  # type: ignore[attr-defined]
        outcome,
        reason,
        attempts,
    )
    saved = [r for r in caplog.records if "received workout" in r.getMessage()]
    assert len(saved) == 1 and f"({source}," in saved[0].getMessage()
    return message


# --- success paths -------------------------------------------------------------------------


async def test_success(make_env: Callable[..., Env], caplog: pytest.LogCaptureFixture) -> None:
    env = make_env(own_http=True)
    env.server.enqueue(good_response())
    workout = await get_workout(env)
    message = check(env, workout, caplog, source="llm", outcome="ok", reason="ok", attempts=1)
    assert "status=200" in message and "finish_reason=stop" in message
    assert [item.exercise.slug for item in workout.exercises] == [e.slug for e in GOOD_EXERCISES]
    assert [item.weight_kg for item in workout.exercises] == [
        _entry(e)["weight_kg"] for e in GOOD_EXERCISES
    ]
    body = env.server.requests[0].json
    assert body["model"] == "gpt-4o-mini" and body["max_completion_tokens"] == 1200
    user_message = body["messages"][1]["content"]
    # The session's shortlist, nothing else: the first session's patterns, a few each.
    assert [line.slug for line in parse_allowed_lines(user_message)] == [e.slug for e in LISTED]
    assert len(LISTED) < len(ALLOWED) / 2
    assert f"patterns {', '.join(m.value for m in FIRST_SESSION.movements)}" in user_message


async def test_repaired_plan_is_saved(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    plan = good_plan()
    plan["exercises"][0]["sets"] = 12  # clamped to 6
    plan["exercises"][1]["reps_min"], plan["exercises"][1]["reps_max"] = 12, 8  # swapped
    env.server.enqueue(completion_response(plan))
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="repaired", attempts=1)
    # 12 -> 6 by validation, -> 4 by the rules gate (intermediate mass gain: 3-4 sets).
    assert workout.exercises[0].sets == 4
    assert (workout.exercises[1].reps_min, workout.exercises[1].reps_max) == (8, 12)


async def test_timeout_retries_then_fallback(
    make_env: Callable[..., Env], caplog: pytest.LogCaptureFixture
) -> None:
    env = make_env(llm_timeout_seconds=0.25)
    env.server.enqueue(*(ScriptedResponse(delay=2.0) for _ in range(3)), good_response())
    started = time.monotonic()
    workout = await get_workout(env)
    assert time.monotonic() - started < BUDGET
    check(env, workout, caplog, source="fallback", outcome="fallback", reason="timeout", attempts=3)


async def test_total_budget_cuts_a_slow_answer(
    make_env: Callable[..., Env], caplog: pytest.LogCaptureFixture
) -> None:
    env = make_env(llm_timeout_seconds=10, llm_total_budget_seconds=0.4)
    env.server.enqueue(completion_response(good_plan(), delay=3.0))
    started = time.monotonic()
    workout = await get_workout(env)
    assert time.monotonic() - started < 1.5
    check(env, workout, caplog, source="fallback", outcome="fallback", reason="timeout", attempts=1)


async def test_429_with_retry_after_then_success(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    env.server.enqueue(
        error_response(429, "Rate limit reached", headers={"retry-after": "0.1"}),
        good_response(),
    )
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="ok", reason="ok", attempts=2)
    first, second = env.server.requests
    assert second.received_at - first.received_at >= 0.09  # Retry-After was honoured


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_retried_then_success(
    env: Env, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    env.server.enqueue(error_response(status), error_response(status), good_response())
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="ok", reason="ok", attempts=3)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_exhausted_falls_back(
    env: Env, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    env.server.enqueue(*(error_response(status, "upstream down") for _ in range(3)))
    env.server.enqueue(good_response())  # never reached: two retries at most
    workout = await get_workout(env)
    message = check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason=f"http_{status}",
        attempts=3,
    )
    assert f"status={status}" in message and "upstream down" in message


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
async def test_client_errors_are_not_retried(
    env: Env, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    # The upstream echoes the key back: it must be redacted before anything is logged.
    env.server.enqueue(
        error_response(status, f"problem {status} with key {API_KEY}", shape="detail"),
        good_response(),
    )
    workout = await get_workout(env)
    message = check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason=f"http_{status}",
        attempts=1,
    )
    assert f"problem {status}" in message
    assert env.server.pending == 1  # the good answer was never asked for


async def test_non_json_200(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(ScriptedResponse(body="<html>502 Bad Gateway</html>"), good_response())
    workout = await get_workout(env)
    check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason="invalid_response",
        attempts=1,
    )


# --- answers that are not a usable plan ----------------------------------------------------


def _broken_schema() -> dict[str, Any]:
    plan = good_plan()
    del plan["exercises"]
    plan["workout"] = "squats"
    return plan


async def test_schema_break_then_reask_success(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(completion_response(_broken_schema()), good_response())
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="reask", attempts=2)
    reask = env.server.requests[1].json["messages"]
    assert [m["role"] for m in reask] == ["system", "user", "assistant", "user"]
    assert "exercises" in reask[3]["content"]


async def test_schema_break_twice_falls_back(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(completion_response(_broken_schema()), completion_response("[1, 2]"))
    workout = await get_workout(env)
    check(env, workout, caplog, source="fallback", outcome="fallback", reason="schema", attempts=2)


async def test_content_that_is_not_json_falls_back(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    env.server.enqueue(
        completion_response("Вот ваша тренировка: присед 3x10"),
        completion_response("{'focus': 'upper',"),
    )
    workout = await get_workout(env)
    check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason="invalid_json",
        attempts=2,
    )


async def test_unknown_slug_is_dropped(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    entries: list[Any] = [_entry(e) for e in GOOD_EXERCISES]
    entries.insert(2, {"slug": INVENTED, "weight_kg": 50.0})
    env.server.enqueue(completion_response(with_entries(entries)))
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="repaired", attempts=1)
    assert [item.exercise.slug for item in workout.exercises] == [e.slug for e in GOOD_EXERCISES]


async def test_catalogue_slug_outside_the_allowed_set_is_dropped(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """A real catalogue exercise the user may not get (above the level) is dropped too."""
    forbidden = sorted(CATALOGUE_SLUGS - ALLOWED_SLUGS)
    assert forbidden, "the profile should exclude some catalogue exercises"
    entries: list[Any] = [_entry(e) for e in GOOD_EXERCISES]
    entries.insert(0, {"slug": forbidden[0]})
    env.server.enqueue(completion_response(with_entries(entries)))
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="repaired", attempts=1)
    assert forbidden[0] not in {item.exercise.slug for item in workout.exercises}


async def test_allowed_but_unlisted_slug_is_dropped(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """An exercise the user may get but the prompt did not list is refused too: validation
    checks against exactly the list the model was shown."""
    unlisted = sorted(ALLOWED_SLUGS - LISTED_SLUGS)
    assert unlisted, "the shortlist should leave some allowed exercises out"
    entries: list[Any] = [_entry(e) for e in GOOD_EXERCISES]
    entries.insert(1, {"slug": unlisted[0], "weight_kg": 20.0})
    env.server.enqueue(completion_response(with_entries(entries)))
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="repaired", attempts=1)
    assert [item.exercise.slug for item in workout.exercises] == [e.slug for e in GOOD_EXERCISES]


async def test_only_invented_slugs_reask_then_fallback(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    invented = with_entries([f"{INVENTED}_{n}" for n in range(5)])
    env.server.enqueue(completion_response(invented), completion_response(invented))
    workout = await get_workout(env)
    check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason="validation",
        attempts=2,
    )
    assert (
        f"'{INVENTED}_0' is not in the allowed list"
        in (env.server.requests[1].json["messages"][3]["content"])
    )


async def test_only_invented_slugs_then_reask_success(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    invented = with_entries([f"{INVENTED}_{n}" for n in range(5)])
    env.server.enqueue(completion_response(invented), good_response())
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="reask", attempts=2)


async def test_duplicate_slugs_are_dropped(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    entries: list[Any] = [_entry(e) for e in GOOD_EXERCISES]
    entries.append(_entry(GOOD_EXERCISES[0]))
    entries.insert(1, _entry(GOOD_EXERCISES[2]))
    env.server.enqueue(completion_response(with_entries(entries)))
    workout = await get_workout(env)
    check(env, workout, caplog, source="llm", outcome="repaired", reason="repaired", attempts=1)
    slugs = [item.exercise.slug for item in workout.exercises]
    assert slugs == [
        GOOD_EXERCISES[0].slug,
        GOOD_EXERCISES[2].slug,
        GOOD_EXERCISES[1].slug,
        GOOD_EXERCISES[3].slug,
        GOOD_EXERCISES[4].slug,
    ]


async def test_too_many_duplicates_fall_back(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    same = with_entries([_entry(GOOD_EXERCISES[0])] * 5)
    env.server.enqueue(completion_response(same), completion_response(same))
    workout = await get_workout(env)
    check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason="validation",
        attempts=2,
    )


async def test_refusal(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(refusal_response(), good_response())
    workout = await get_workout(env)
    check(env, workout, caplog, source="fallback", outcome="fallback", reason="refusal", attempts=1)


async def test_finish_reason_length(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(
        completion_response('{"focus": "full_body_a", "title": "Всё те', finish_reason="length"),
        good_response(),
    )
    workout = await get_workout(env)
    message = check(
        env, workout, caplog, source="fallback", outcome="fallback", reason="length", attempts=1
    )
    assert "finish_reason=length" in message


async def test_empty_choices(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.server.enqueue(empty_choices_response(), good_response())
    workout = await get_workout(env)
    check(
        env,
        workout,
        caplog,
        source="fallback",
        outcome="fallback",
        reason="empty_choices",
        attempts=1,
    )


# --- through the dialog --------------------------------------------------------------------


def titled_plan_responder(request: RecordedRequest) -> ScriptedResponse:
    return completion_response({**plan_from_request(request), "title": LLM_TITLE})


async def test_llm_workout_is_shown_in_the_dialog(
    env: Env,
    session_factory: SessionFactory,
    redis: Redis,
    redis_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env.server.responder = titled_plan_responder
    harness = build_harness(
        session_factory,
        create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix),
        settings=env.settings,
        llm=env.generator,
    )
    user = UserSession(harness, next(_telegram_ids), first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()

    text = user.text()
    assert LLM_TITLE in text
    assert "Составлено AI-тренером" in text
    assert env.server.calls == 1
    async with session_factory() as session:
        workout = await session.scalar(
            select(Workout).join(User).where(User.telegram_id == user.user_id)
        )
        assert workout is not None and workout.source == "llm" and workout.title == LLM_TITLE
    lines = [r for r in caplog.records if r.getMessage().startswith("llm_workout ")]
    assert len(lines) == 1 and " outcome=ok reason=ok " in lines[0].getMessage()
