"""Table 7: does an update cost more when the database holds a year of history?

Two databases in one run: the full one is seeded with `--history-users` users and a year
of history each (`benchmarks/history_seed.py`: ~159 workouts, ~2,800 set logs per user);
the empty one holds only the measured users' profiles, the same users with the same
profiles. They are measured on both in turns (on the empty database, then on the full
one, user after user), each database with its own bot warmed up first, so both sides see
the same machine. Each measured user goes through the whole Dispatcher, as in tables 1-2:
the menu, a workout (its background generation reads the history the progression engine
needs), every logging tap, completion and «Как прошло?», the progress screen, the chart,
the weight log, the workouts list and a past workout, and `/export`. Per step: SQL
statements of the update (max over the users) and p50/p95/p99 latency, empty beside full,
and the ratio of the p50s. Then the history reads are EXPLAINed on the full database:
index range scans, never a scan of the table.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from sqlalchemy import text

from benchmarks.bot_under_test import BG_GENERATE, BG_SHOW, build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.history_seed import SEED_TELEGRAM_BASE, insert_profiles, seed_history
from benchmarks.report import ms, percentile, print_table, verdict
from benchmarks.services import BenchEnv, bench_env
from benchmarks.sim_users import Action, FlowError, Latencies, SimUser
from benchmarks.sql_counter import SqlCounter
from trainer_bot.charts import LIFT_COLOR, WEIGHT_COLOR, Series, render_progress_chart
from trainer_bot.db.base import utcnow
from trainer_bot.queries.progress import exercise_records_statement
from trainer_bot.queries.results import logged_history_statement
from trainer_bot.services.progress import RECORDS_SHOWN, RECORDS_WINDOW
from trainer_bot.services.progress_history import HISTORY_WINDOW

WARMUP_USERS = 8  # on the empty database, before anything is measured
TAP_TARGET = 2  # issue 12: a logging tap stays at most 2 SQL statements
STEP_TARGET = 6  # issue 5: at most 6 per workout step
CHART_RENDERS = 30


def _label(label: str) -> re.Pattern[str]:
    return re.compile(re.escape(label))


# (step, what it is held to); the same step may come twice in the script.
TAPS = (
    "tap «✅ Сделал как написано»",
    "typed line «10 10 8»",
    "tap «➕ Подход N»",
    "tap «↩️ Отменить»",
    "tap «⏭ Пропустить»",
)
EFFORT_STEP = "«Как прошло?» 👍"
SCRIPT = [
    Action("/start: the menu", "say", "/start"),
    Action("«Получить тренировку»", "press", _label("🏋️ Получить тренировку"), True),
    Action("exercise screen", "press", re.compile(r"1\. .+")),
    Action(TAPS[0], "press", _label("✅ Сделал как написано")),
    Action("next exercise ➡️", "press", _label("➡️")),
    Action(TAPS[1], "say", "10 10 8"),
    Action(TAPS[2], "press", re.compile(r"➕ Подход \d+: .+")),
    Action(TAPS[3], "press", _label("↩️ Отменить")),
    Action("next exercise ➡️", "press", _label("➡️")),
    Action(TAPS[4], "press", _label("⏭ Пропустить")),
    Action("back to the workout", "press", _label("◀️ К тренировке")),
    Action("«Завершить тренировку»", "press", _label("✅ Завершить тренировку")),
    Action(EFFORT_STEP, "press", _label("👍 Нормально")),
    Action("/progress: the progress screen", "say", "/progress"),
    Action("«📉 График» (chart photo)", "press", _label("📉 График")),
    Action("back from the chart", "press", _label("◀️ Назад")),
    Action("«⚖️ Записать вес»", "press", _label("⚖️ Записать вес")),
    Action("weight typed «80,5»", "say", "80,5"),
    Action("«🗂 Тренировки» (list)", "press", _label("🗂 Тренировки")),
    Action("a past workout", "press", re.compile(r"✅ .+")),
    Action("/export (CSV)", "say", "/export"),
]
STEPS = list(dict.fromkeys(a.step for a in SCRIPT))
WORKOUT_STEPS = frozenset([*STEPS[: STEPS.index(EFFORT_STEP) + 1], BG_GENERATE, BG_SHOW])


class _Pass:
    """One database's bot and its measurements."""

    def __init__(self, env: BenchEnv, name: str) -> None:
        self.counter = SqlCounter(env.engine)
        self.bot = build_bot_under_test(env, f"history_{name}", sql=self.counter)
        self.latencies = Latencies()
        self.failures: list[str] = []
        self.generation: list[float] = []

    @property
    def sql(self) -> dict[str, list[int]]:
        return {
            step: [cell.statements for cell in cells]
            for step, cells in self.counter.samples.items()
        }

    async def run_user(self, telegram_id: int, *, counted: bool) -> None:
        """One user through SCRIPT; a user not `counted` warms the bot up."""
        bot = self.bot
        user = SimUser(
            dp=bot.dp,
            bot=bot.bot,
            screens=bot.screens,
            user_id=telegram_id,
            latencies=self.latencies if counted else None,
            sql=self.counter,
            service=bot.service,
        )
        generated = len(bot.service.generation_seconds)
        self.counter.install()
        try:
            await user.run(SCRIPT)
        except (FlowError, TimeoutError) as error:
            self.failures.append(str(error)[:300])
        finally:
            self.counter.remove()
        if counted:
            self.generation += bot.service.generation_seconds[generated:]
        else:
            self.counter.samples.clear()
        bot.screens.forget(telegram_id)


async def _explain(env: BenchEnv, statement: Any) -> list[str]:
    """The plan's scan lines (which index, or a sequential scan) of `statement`."""
    async with env.engine.connect() as connection:
        compiled = statement.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        values = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = await connection.exec_driver_sql(f"EXPLAIN {compiled}", values)
        return [
            re.sub(r"\s+\(cost=.*", "", row[0]).strip().removeprefix("-> ").strip()
            for row in rows
            if "Scan" in row[0]
        ]


async def _explained(env: BenchEnv, telegram_id: int) -> list[str]:
    async with env.engine.connect() as connection:
        user_id = (
            await connection.execute(
                text("SELECT id FROM users WHERE telegram_id = :id"), {"id": telegram_id}
            )
        ).scalar_one()
        slugs = list(
            (
                await connection.execute(
                    text(
                        "SELECT DISTINCT e.slug FROM set_logs s JOIN exercises e "
                        "ON e.id = s.exercise_id WHERE s.user_id = :id LIMIT 6"
                    ),
                    {"id": user_id},
                )
            ).scalars()
        )
    now = utcnow()
    statements = [
        (
            "progression history read",
            logged_history_statement(user_id, slugs, now - HISTORY_WINDOW),
        ),
        (
            "progress screen records",
            exercise_records_statement(user_id, now - RECORDS_WINDOW, RECORDS_SHOWN),
        ),
    ]
    lines = []
    for label, statement in statements:
        scans = await _explain(env, statement)
        lines.append(f"EXPLAIN {label}: " + "; ".join(scans))
    return lines


async def _chart_renders() -> list[float]:
    """The PNG alone, in a worker thread as the bot renders it: a year of weekly weights
    and ~80 sessions of one lift."""
    weights = Series([(day * 7, 90 - day * 0.2) for day in range(52)], WEIGHT_COLOR, target=80)
    lift = Series([(day * 4.5, 60 + day * 0.4) for day in range(80)], LIFT_COLOR)
    seconds = []
    for _ in range(CHART_RENDERS):
        started = time.perf_counter()
        await asyncio.to_thread(render_progress_chart, weights, lift)
        seconds.append(time.perf_counter() - started)
    return seconds


def _target(step: str) -> int | None:
    """The SQL statements an update may use: issue 12 for taps, issue 5 for the other
    workout steps; none set for the progress screens."""
    if step in TAPS:
        return TAP_TARGET
    return STEP_TARGET if step in WORKOUT_STEPS else None


def _row(step: str, empty: _Pass, full: _Pass, times: tuple[list[float], list[float]]) -> list[Any]:
    sql_empty = max(empty.sql.get(step, []), default=0)
    sql_full = max(full.sql.get(step, []), default=0)
    before, after = times
    target = _target(step)
    ratio = f"{percentile(after, 50) / percentile(before, 50):.2f}x" if before and after else "-"
    if step == BG_GENERATE:
        judged = "(background)"
    elif target is None:
        judged = ""
    else:
        judged = verdict(max(sql_empty, sql_full) <= target)
    return [
        step,
        f"{sql_empty} / {sql_full}",
        ms(percentile(before, 50)),
        ms(percentile(after, 50)),
        ms(percentile(before, 95)),
        ms(percentile(after, 95)),
        ms(percentile(after, 99)),
        ratio,
        f"<= {target} SQL" if target is not None else "",
        judged,
    ]


def _flatness(ratios: dict[str, float]) -> str:
    """The p50 ratios of the updates that read or write the workout and its logs; the
    background generation, the export and the chart are said apart: they read a window of
    the user's own history by design."""
    judged = {
        s: r for s, r in ratios.items() if (s in WORKOUT_STEPS or s in TAPS) and s != BG_GENERATE
    }
    if not judged:
        return "no ratio: a pass had no samples"
    step = max(judged, key=lambda s: judged[s])
    background = ratios.get(BG_GENERATE)
    return (
        f"workout updates and taps: p50 full/empty {min(judged.values()):.2f}-"
        f"{judged[step]:.2f}x (largest: {step}); the background generation "
        + (f"{background:.2f}x" if background is not None else "-")
        + " (it progresses from the user's last 120 days), /export and the chart read the "
        "user's own year: they grow with that user's history, not with the database"
    )


async def run(cfg: BenchConfig) -> None:
    measured = max(1, cfg.history_measured_users)
    # Two databases, measured in turns (an empty user, then a full one, and so on), so a
    # change of the machine's load during the run weighs on both sides alike.
    async with bench_env() as full_env, bench_env() as empty_env:
        full_dsn = full_env.database_url.replace("postgresql+asyncpg://", "postgresql://")
        empty_dsn = empty_env.database_url.replace("postgresql+asyncpg://", "postgresql://")
        quarter = max(1, cfg.history_users // 4)
        reported = [0]

        def progress(done: int, seconds: float) -> None:
            if done - reported[0] >= quarter or done == cfg.history_users:
                reported[0] = done
                print(f"  table 7: {done:,} users seeded ({seconds:.0f} s)", flush=True)

        seeded = await seed_history(full_dsn, cfg.history_users, progress=progress)
        # The same users on both: seeded ones spread over the id range, and on the empty
        # database the same profiles without their history. The first ones warm up.
        spread = max(1, cfg.history_users // (WARMUP_USERS + measured))
        numbers = [1 + i * spread for i in range(min(cfg.history_users, WARMUP_USERS + measured))]
        await insert_profiles(empty_dsn, numbers)
        empty, full = _Pass(empty_env, "empty"), _Pass(full_env, "full")
        for index, number in enumerate(numbers):
            counted = index >= WARMUP_USERS
            await empty.run_user(SEED_TELEGRAM_BASE + number, counted=counted)
            await full.run_user(SEED_TELEGRAM_BASE + number, counted=counted)
        explained = await _explained(full_env, SEED_TELEGRAM_BASE + numbers[-1])
    renders = await _chart_renders()

    rows = []
    ratios: dict[str, float] = {}
    for step in [*STEPS[:2], BG_GENERATE, BG_SHOW, *STEPS[2:]]:
        if step == BG_GENERATE:
            times = (empty.generation, full.generation)
        else:
            times = (empty.latencies.by_step.get(step, []), full.latencies.by_step.get(step, []))
        rows.append(_row(step, empty, full, times))
        if times[0] and times[1] and step != BG_SHOW:
            ratios[step] = percentile(times[1], 50) / percentile(times[0], 50)
    rows.append(
        [
            "chart PNG alone (worker thread)",
            "-",
            "",
            ms(percentile(renders, 50)),
            "",
            ms(percentile(renders, 95)),
            ms(percentile(renders, 99)),
            "",
            "off the loop",
            "",
        ]
    )
    counts = seeded.counts
    notes = [
        f"full: {counts['users']:,} users, {counts['workouts']:,} workouts, "
        f"{counts['workout_exercises']:,} exercises, {counts['set_logs']:,} set logs, "
        f"{counts['body_weights']:,} weights; loaded in {seeded.load_seconds:.0f} s, "
        f"indexes built in {seeded.index_seconds:.0f} s",
        f"{measured} users measured on each database (after {WARMUP_USERS} warm-up users), one "
        "at a time through the Dispatcher; ms per update; p99 of the full database with "
        f"{measured} samples is their maximum; ratio = p50 full / p50 empty",
        _flatness(ratios),
        "targets: issue 12 asks that cost does not grow with history (the ratio) and at "
        "most 2 statements per tap; issue 5's p99 < 10 ms is judged in tables 1-2",
        "bg rows: the workout generated in the background (reads the logged history of the "
        "session's exercises for the progression engine) and its screen",
        f"chart alone: render_progress_chart, {CHART_RENDERS} renders of a year (52 weights, "
        "80 sessions) in a worker thread; the chart step above includes its queries",
        *explained,
    ]
    for label, state in (("empty", empty), ("full", full)):
        if state.failures:
            notes.append(f"failed flows ({label}): {len(state.failures)}; {state.failures[0]}")
    print_table(
        "Table 7. History scale: empty database vs a year of history",
        [
            "step",
            "SQL empty / full",
            "p50 empty",
            "p50 full",
            "p95 empty",
            "p95 full",
            "p99 full",
            "ratio",
            "target",
            "",
        ],
        rows,
        notes,
    )
