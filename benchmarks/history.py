"""`python -m benchmarks.history [--users N] [--repeat R]`: does cost grow with history?

The logging taps, the progress screen and the progression engine's history read, each
measured (SQL statements, p50/p99 latency) on a fresh database with one user, then again
after seeding `--users` users with one year of history each (3 workouts a week: 156
workouts, 6 exercises, 3 sets: ~2,800 set logs per user), in the same run. The measured
user of the second pass has a year of history too. Then EXPLAIN shows the history reads
are index range scans. The default of 10,000 users writes ~28 million set logs (a few GB,
tens of minutes on a laptop); `--users 300` shows the same ratios in a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text

from benchmarks.common import BenchEnv, bench_env, make_settings, ms, percentile, print_table
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.base import utcnow
from trainer_bot.db.models import User
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.queries.progress import exercise_records_statement
from trainer_bot.queries.results import logged_history_statement
from trainer_bot.services.bot_services import Workouts
from trainer_bot.services.progress import Progress
from trainer_bot.services.progress_history import HISTORY_WINDOW, read_history, slugs_to_read
from trainer_bot.services.results import Results
from trainer_bot.services.users import Users
from trainer_bot.services.workouts import WorkoutService, past_workout

SEED_TELEGRAM_BASE = 800_000_000
SEED = """
INSERT INTO users (telegram_id, gender, age, height_cm, current_weight_kg, fitness_level,
                   goal, target_weight_kg, workout_frequency, equipment_type)
SELECT {base} + g, 'male', 30, 180, 80, 'intermediate', 'maintenance', 80, 3, 'gym'
FROM generate_series(1, {users}) g;

INSERT INTO workouts (user_id, planned_date, status, source, focus, title, rationale, warmup,
                      completed_at, created_at, effort)
SELECT u.id, CURRENT_DATE, 'completed', 'fallback', 'upper', 't', 'r', 'w',
       now() - n * INTERVAL '56 hours', now() - n * INTERVAL '56 hours', 'normal'
FROM users u, generate_series(1, 156) n
WHERE u.telegram_id > {base};

INSERT INTO workout_exercises (workout_id, exercise_id, position, sets, reps_min, reps_max,
                               weight_kg, rest_seconds)
SELECT w.id, e.id, e.rank, 3, 8, 12, 50, 90
FROM workouts w JOIN users u ON u.id = w.user_id AND u.telegram_id > {base},
     (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM exercises) e
WHERE e.rank <= 6;

INSERT INTO set_logs (workout_exercise_id, user_id, exercise_id, set_number, reps, weight_kg,
                      logged_at)
SELECT we.id, w.user_id, we.exercise_id, s, 10, 50, w.created_at
FROM workout_exercises we JOIN workouts w ON w.id = we.workout_id
     JOIN users u ON u.id = w.user_id AND u.telegram_id > {base},
     generate_series(1, 3) s;

ANALYZE
"""


@dataclass
class Figures:
    statements: int
    p50: float
    p99: float


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


async def timed(
    env: BenchEnv,
    counter: Counter,
    repeat: int,
    step: Callable[[Any, int], Awaitable[object]],
    prepare: Callable[[int], Awaitable[object]] | None = None,
) -> Figures:
    """`step(session, i)` `repeat` times, each in its own session as an update has;
    `prepare(i)` runs before each, untimed and uncounted."""
    latencies: list[float] = []
    statements = 0
    for index in range(repeat):
        if prepare is not None:
            await prepare(index)
        async with env.session_factory() as session:
            before = counter.count
            started = time.perf_counter()
            await step(session, index)
            latencies.append(time.perf_counter() - started)
            statements = counter.count - before
    return Figures(statements, percentile(latencies, 50), percentile(latencies, 99))


async def measure(env: BenchEnv, telegram_id: int, repeat: int) -> dict[str, Figures]:
    """The figures for one user: a planned workout is generated for them first."""
    service = WorkoutService(
        settings=make_settings(workout_cooldown_hours=0),
        session_factory=env.session_factory,
        catalogue=default_catalogue(),
    )
    async with env.session_factory() as session:
        user_id = (
            await session.execute(select(User.id).where(User.telegram_id == telegram_id))
        ).scalar_one()
        await service.request(session, telegram_id)
    workout_id = await service.generate_and_save(user_id)
    counter = Counter()
    event.listen(env.engine.sync_engine, "before_cursor_execute", counter)

    def results(session: Any) -> Results:
        return Results(session, Workouts(service, session, Users(session)), utcnow)

    def progress(session: Any) -> Progress:
        return Progress(session, utcnow, service.timezone, Users(session))

    async def fresh_sets(index: int) -> None:
        """«➕ Подход N» writes a new set each time: sets 1-9 of exercise 2, then again."""
        if index % 9 == 0:
            event.remove(env.engine.sync_engine, "before_cursor_execute", counter)
            async with env.engine.begin() as connection:
                await connection.execute(
                    text(
                        "DELETE FROM set_logs WHERE workout_exercise_id = (SELECT id FROM "
                        f"workout_exercises WHERE workout_id = {workout_id} AND position = 2)"
                    )
                )
            event.listen(env.engine.sync_engine, "before_cursor_execute", counter)

    async def history(session: Any, _: int) -> object:
        recent = [
            past_workout(w)
            for w in await workout_queries.recent_with_exercises(session, user_id, 10)
        ]
        workout = await workout_queries.get_for_user(session, workout_id, user_id)
        assert workout is not None
        slugs = slugs_to_read((e.exercise.slug for e in workout.exercises), recent)
        return await read_history(session, user_id, slugs, recent, utcnow())

    try:
        return {
            "tap «✅ Сделал как написано»": await timed(
                env,
                counter,
                repeat,
                lambda s, _: results(s).log_as_written(telegram_id, workout_id, 1),
            ),
            "tap «➕ Подход N»": await timed(
                env,
                counter,
                repeat,
                lambda s, i: results(s).log_set(telegram_id, workout_id, 2, i % 9 + 1, 10, 50.0),
                prepare=fresh_sets,
            ),
            "progress screen": await timed(
                env, counter, repeat, lambda s, _: progress(s).summary(telegram_id)
            ),
            "progression history read": await timed(env, counter, repeat, history),
        }
    finally:
        event.remove(env.engine.sync_engine, "before_cursor_execute", counter)


async def explain(env: BenchEnv, statement: Any) -> str:
    async with env.engine.connect() as connection:
        compiled = statement.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        values = tuple(compiled.params[name] for name in compiled.positiontup)
        result = await connection.exec_driver_sql(f"EXPLAIN {compiled}", values)
        return "\n".join(row[0] for row in result)


async def run(users: int, repeat: int) -> None:
    async with bench_env() as env:
        async with env.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (telegram_id, gender, age, height_cm, current_weight_kg,"
                    " fitness_level, goal, target_weight_kg, workout_frequency, equipment_type)"
                    " VALUES (1, 'male', 30, 180, 80, 'intermediate', 'maintenance', 80, 3, 'gym')"
                )
            )
        empty = await measure(env, 1, repeat)
        started = time.perf_counter()
        async with env.engine.begin() as connection:
            for statement in SEED.format(base=SEED_TELEGRAM_BASE, users=users).split(";"):
                if statement.strip():
                    await connection.execute(text(statement))
            logs = (await connection.execute(text("SELECT count(*) FROM set_logs"))).scalar_one()
        seeded = time.perf_counter() - started
        full = await measure(env, SEED_TELEGRAM_BASE + users // 2, repeat)
        rows = [
            [
                name,
                empty[name].statements,
                full[name].statements,
                ms(empty[name].p50),
                ms(full[name].p50),
                ms(empty[name].p99),
                ms(full[name].p99),
                f"{full[name].p50 / empty[name].p50:.2f}",
            ]
            for name in empty
        ]
        print_table(
            f"History scale: empty vs {users:,} users × 1 year ({logs:,} set logs, "
            f"seeded in {seeded:.0f} s)",
            [
                "step",
                "SQL empty",
                "SQL full",
                "p50 empty",
                "p50 full",
                "p99 empty",
                "p99 full",
                "p50 ratio",
            ],
            rows,
            notes=[f"{repeat} runs per step, ms; a tap is the read its window needs + 1 write"],
        )
        async with env.engine.connect() as connection:
            user_id = (
                await connection.execute(
                    text(f"SELECT id FROM users WHERE telegram_id = {SEED_TELEGRAM_BASE + 1}")
                )
            ).scalar_one()
            slugs = list(
                (
                    await connection.execute(text("SELECT slug FROM exercises ORDER BY id LIMIT 6"))
                ).scalars()
            )
        since = utcnow() - HISTORY_WINDOW
        statements: list[tuple[str, Any]] = [
            ("progression history read", logged_history_statement(user_id, slugs, since)),
            ("progress records", exercise_records_statement(user_id, since, 8)),
        ]
        for label, statement in statements:
            plan = await explain(env, statement)
            index_lines = [line.strip() for line in plan.splitlines() if "set_logs" in line]
            print(f"EXPLAIN {label}:\n  " + "\n  ".join(index_lines))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.users, args.repeat))


if __name__ == "__main__":
    main()
