"""The LLM path: the prompt hears the main lifts' last results, and the load of a logged
exercise comes from the engine whatever weight the model wrote."""

from __future__ import annotations

from sqlalchemy import select

from tests.fakes.openai_server import plan_responder
from tests.support.llm_env import Env, create_user
from tests.support.llm_env import env as env  # the fixtures
from tests.support.llm_env import make_env as make_env
from tests.support.llm_env import openai_server as openai_server
from tests.support.llm_env import shared_openai_server as shared_openai_server
from trainer_bot.db.models import SetLog, User, Workout
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.training.increments import load_step


async def next_workout(llm_env: Env, user_id: int) -> Workout:
    service = llm_env.service()
    async with llm_env.session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        started = await service.request(session, user.telegram_id)
        assert started.job is not None, started
    workout_id = await service.generate_and_save(started.job)
    async with llm_env.session_factory() as session:
        workout = await workout_queries.get_for_user(session, workout_id, user_id)
        assert workout is not None
        now = llm_env.clock()
        await workout_queries.complete(session, workout_id, user_id, now)
        await session.commit()
        return workout


async def test_prompt_gets_main_lift_results_and_the_engine_sets_the_load(
    env: Env,
) -> None:
    env.server.responder = plan_responder  # the model writes 20 kg for every loaded lift
    user_id = await create_user(env.session_factory)
    first = await next_workout(env, user_id)
    lift = next(item for item in first.exercises if item.weight_kg and item.position <= 2)
    async with env.session_factory() as session:
        session.add_all(
            SetLog(
                workout_exercise_id=lift.id,
                user_id=user_id,
                exercise_id=lift.exercise_id,
                set_number=number,
                reps=lift.reps_max,
                weight_kg=lift.weight_kg,
                logged_at=env.clock(),
            )
            for number in range(1, lift.sets + 1)
        )
        await session.commit()
    for _ in range(4):
        env.clock.advance(days=2)
        requests_before = len(env.server.requests)
        workout = await next_workout(env, user_id)
        if workout.focus == first.focus:
            break
    assert workout.focus == first.focus
    prompt = " ".join(
        str(message.get("content", ""))
        for request in env.server.requests[requests_before:]
        for message in request.messages
    )
    assert "Last results of this focus's main lifts" in prompt
    assert f"{lift.exercise.slug}: " in prompt
    again = next(item for item in workout.exercises if item.exercise_id == lift.exercise_id)
    step = load_step(lift.exercise.equipment, lift.exercise.is_compound)
    assert again.weight_kg == (lift.weight_kg or 0) + step  # not the model's 20 kg
    async with env.session_factory() as session:
        saved = (
            await session.execute(select(Workout).where(Workout.id == workout.id))
        ).scalar_one()
        assert saved.source == "llm"
