"""Table 2: SQL statements per update, for every step of both flows.

Statements are counted with SQLAlchemy's `before_cursor_execute` event on the engine's
sync_engine, attributed to the update that issued them through a context variable (so an
N+1 shows up as a number). Connection checkouts are counted too: each one is a
transaction, BEGIN and COMMIT/ROLLBACK (a checkout checks the connection locally, without
a ping: `trainer_bot/db/engine.py`), so the database round trips of a step are about
statements + 2 x checkouts. The bot is configured as it polls: per-user locks in the
process, so the Redis commands are state only (webhook mode adds 4 lock commands).

The background work of "get workout" (history read, fallback plan, one INSERT batch, the
screen update) is listed on its own rows; it is not part of the button's update.
"""

from __future__ import annotations

from benchmarks.bot_under_test import BG_GENERATE, BG_SHOW, build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.report import mean, ms, percentile, print_table, verdict
from benchmarks.services import BenchEnv
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    REGISTRATION_STEPS,
    WORKOUT_DONE,
    WORKOUT_STEPS,
    Latencies,
    SimUser,
    registration_script,
    workout_script,
)
from benchmarks.sql_counter import SqlCounter

TARGET_REGISTRATION = 3
TARGET_WORKOUT = 6
ID_BASE = 400_000_000


async def run(cfg: BenchConfig, env: BenchEnv, *, keep_texts: bool = False) -> dict[str, object]:
    counter = SqlCounter(env.engine, keep_texts=keep_texts)
    ours = build_bot_under_test(env, "sql_counts", sql=counter)
    latencies = Latencies()

    def user(index: int, timed: bool) -> SimUser:
        return SimUser(
            dp=ours.dp,
            bot=ours.bot,
            screens=ours.screens,
            user_id=ID_BASE + index,
            latencies=latencies if timed else None,
            sql=counter if timed else None,
            service=ours.service,
        )

    # Warm-up, not counted: the first /start uploads the welcome video note.
    for index in range(max(1, cfg.warmup_users)):
        warm = user(index, timed=False)
        await warm.run(registration_script(index), REGISTRATION_DONE)
        await warm.run(workout_script(), WORKOUT_DONE)
        ours.screens.forget(warm.user_id)
    counter.samples.clear()
    counter.install(env.redis)
    try:
        for index in range(1000, 1000 + max(1, cfg.sequential_users)):
            one = user(index, timed=True)
            await one.run(registration_script(index), REGISTRATION_DONE)
            await one.run(workout_script(), WORKOUT_DONE)
            ours.screens.forget(one.user_id)
    finally:
        counter.remove()

    rows = []
    misses: list[str] = []
    figures: dict[str, dict[str, float]] = {}
    sections = (
        ("registration", REGISTRATION_STEPS, TARGET_REGISTRATION),
        ("workout", [*WORKOUT_STEPS[:1], BG_GENERATE, BG_SHOW, *WORKOUT_STEPS[1:]], TARGET_WORKOUT),
    )
    for flow, steps, target in sections:
        for step in steps:
            cells = counter.samples.get(step, [])
            statements = [c.statements for c in cells]
            checkouts = [c.checkouts for c in cells]
            redis_commands = [c.redis for c in cells]
            worst = max(statements, default=0)
            background = step == BG_GENERATE
            ok = worst <= target
            if not ok and not background:
                misses.append(f"{flow}/{step}: {worst} > {target}")
            times = latencies.by_step.get(step, [])
            figures[f"{flow}/{step}"] = {"max": worst, "mean": mean(statements)}
            rows.append(
                [
                    flow,
                    step,
                    len(cells),
                    worst,
                    f"{mean(statements):.1f}",
                    f"{mean(checkouts):.1f}",
                    f"{mean(statements) + 2 * mean(checkouts):.0f}",
                    f"{mean(redis_commands):.0f}",
                    ms(percentile(times, 50)),
                    ms(percentile(times, 99)),
                    f"<= {target}",
                    "(background)" if background else verdict(ok),
                ]
            )
    notes = [
        f"{cfg.sequential_users} users one at a time after {max(1, cfg.warmup_users)} "
        "warm-up users; ms: that update's latency (p50/p99), bg rows: the background task",
        "round trips ~ statements + 2 x checkouts (BEGIN, COMMIT or ROLLBACK; no pre-ping); "
        "redis cmds: mean Redis commands of the step (FSM state, dialog stack and context; "
        "the polling bot's locks are in-process, webhook mode adds 4 per update for its "
        "Redis locks)",
        "misses: " + ("; ".join(misses) if misses else "none"),
    ]
    if counter.unattributed.statements:
        notes.append(f"statements outside any step: {counter.unattributed.statements}")
    print_table(
        "Table 2. SQL statements per update",
        [
            "flow",
            "step",
            "n",
            "max",
            "mean",
            "checkouts",
            "~round trips",
            "redis cmds",
            "p50 ms",
            "p99 ms",
            "target",
            "",
        ],
        rows,
        notes,
    )
    examples = {
        label: cells[0].texts
        for label, cells in counter.samples.items()
        if cells and cells[0].texts
    }
    return {"figures": figures, "misses": misses, "examples": examples}
