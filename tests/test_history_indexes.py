"""The history reads use their indexes (EXPLAIN on Postgres over a seeded history), so their
cost follows the per-user window, not the size of the table or of the user's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from trainer_bot.queries.progress import exercise_records_statement
from trainer_bot.queries.results import logged_history_statement

USERS = 200
WORKOUTS_PER_USER = 30
SEED = f"""
INSERT INTO users (telegram_id, gender, age, height_cm, current_weight_kg, fitness_level,
                   goal, target_weight_kg, workout_frequency, equipment_type)
SELECT 7000000 + g, 'male', 30, 180, 80, 'beginner', 'maintenance', 80, 3, 'gym'
FROM generate_series(1, {USERS}) g;

INSERT INTO workouts (user_id, planned_date, status, source, focus, title, rationale, warmup,
                      completed_at, created_at)
SELECT u.id, DATE '2026-01-01', 'completed', 'fallback', 'upper', 't', 'r', 'w',
       TIMESTAMPTZ '2026-03-01' - n * INTERVAL '2 days',
       TIMESTAMPTZ '2026-03-01' - n * INTERVAL '2 days'
FROM users u, generate_series(1, {WORKOUTS_PER_USER}) n
WHERE u.telegram_id > 7000000;

INSERT INTO workout_exercises (workout_id, exercise_id, position, sets, reps_min, reps_max,
                               weight_kg, rest_seconds)
SELECT w.id, e.id, e.rank, 3, 8, 12, 50, 90
FROM workouts w,
     (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM exercises) e
WHERE e.rank <= 5;

INSERT INTO set_logs (workout_exercise_id, user_id, exercise_id, set_number, reps, weight_kg,
                      logged_at)
SELECT we.id, w.user_id, we.exercise_id, s, 10, 50, w.created_at
FROM workout_exercises we JOIN workouts w ON w.id = we.workout_id, generate_series(1, 3) s;

ANALYZE;
"""


async def explain(engine: AsyncEngine, statement: object) -> str:
    async with engine.connect() as connection:
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        values = tuple(compiled.params[name] for name in compiled.positiontup)
        result = await connection.exec_driver_sql(f"EXPLAIN {compiled}", values)
        return "\n".join(row[0] for row in result)


async def test_history_reads_are_index_range_scans(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with engine.begin() as connection:
        for statement in SEED.split(";"):
            if statement.strip():
                await connection.execute(text(statement))
        user_id = (
            await connection.execute(text("SELECT id FROM users WHERE telegram_id = 7000007"))
        ).scalar_one()
        slugs = list(
            (
                await connection.execute(text("SELECT slug FROM exercises ORDER BY id LIMIT 2"))
            ).scalars()
        )
    since = datetime(2026, 3, 1, tzinfo=UTC) - timedelta(days=120)

    plan = await explain(engine, logged_history_statement(user_id, slugs, since))
    assert "ix_set_logs_user_exercise_logged_at" in plan, plan
    assert "Seq Scan on set_logs" not in plan, plan

    plan = await explain(engine, exercise_records_statement(user_id, since, 8))
    assert "ix_set_logs_user" in plan, plan
    assert "Seq Scan on set_logs" not in plan, plan
