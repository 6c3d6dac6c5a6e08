"""Table 1: dialog throughput and latency, ours against two baselines, in one process.

Every system gets the same simulated users: the registration flow (/start, 7 button
presses, 5 typed answers: 12 updates), then the workout flow (get workout -> first
exercise -> back to the workout -> complete: 4 button presses). For our bot the workout
comes from the rule-based fallback in a background task, which the user waits for before
pressing on; that work runs inside the measured wall time of the workout flow.

Two passes per system: `concurrency` users in flight (updates/s and latency under load:
queueing on one event loop included), then users one at a time (latency = service time).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher

from benchmarks.baselines import build_bare_aiogram, build_bare_dialog
from benchmarks.bot_under_test import TrackedWorkoutService, build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.fake_telegram import ScreenRecorder
from benchmarks.report import mean, ms, percentile, print_table, verdict
from benchmarks.runtime import GcPauses
from benchmarks.services import BenchEnv
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    REGISTRATION_STEPS,
    WORKOUT_DONE,
    WORKOUT_STEPS,
    Latencies,
    SimUser,
    registration_script,
    run_pool,
    workout_script,
)

TARGET_RATIO = 0.7  # registration updates/s vs the aiogram-dialog + Redis baseline
TARGET_P99 = 0.010  # seconds per non-LLM update
OURS = "trainer_bot, polling (Redis + Postgres)"
OURS_WEBHOOK = "trainer_bot, webhook (+ Redis locks)"


@dataclass
class System:
    name: str
    dp: Dispatcher
    bot: Bot
    screens: ScreenRecorder
    id_base: int
    service: TrackedWorkoutService | None = None
    any_button: bool = False
    expect_texts: bool = True
    failures: list[str] = field(default_factory=list)


@dataclass
class FlowResult:
    updates: int = 0
    seconds: float = 0.0
    loaded: list[float] = field(default_factory=list)  # latencies at `concurrency`
    alone: list[float] = field(default_factory=list)  # latencies one user at a time

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


@dataclass
class SystemResult:
    name: str
    registration: FlowResult = field(default_factory=FlowResult)
    workout: FlowResult = field(default_factory=FlowResult)
    gc_pauses: str = ""


def _user_factory(system: System, latencies: Latencies | None) -> Callable[[int], SimUser]:
    def make(user_id: int) -> SimUser:
        return SimUser(
            dp=system.dp,
            bot=system.bot,
            screens=system.screens,
            user_id=user_id,
            latencies=latencies,
            service=system.service,
            any_button=system.any_button,
        )

    return make


async def _pass(
    system: System, offset: int, count: int, concurrency: int
) -> tuple[Latencies, float, float]:
    """`count` users register (all of them), then take a workout (all of them)."""
    latencies = Latencies()
    make = _user_factory(system, latencies)
    ids = [system.id_base + offset + i for i in range(count)]
    users = {user_id: make(user_id) for user_id in ids}
    reg_expect = REGISTRATION_DONE if system.expect_texts else None
    work_expect = WORKOUT_DONE if system.expect_texts else None

    failed: set[int] = set()

    async def register(user_id: int) -> None:
        try:
            await users[user_id].run(registration_script(user_id - system.id_base), reg_expect)
        except Exception as error:
            failed.add(user_id)
            system.failures.append(f"{type(error).__name__}: {error}"[:300])

    async def workout(user_id: int) -> None:
        try:
            if user_id not in failed:
                await users[user_id].run(workout_script(), work_expect)
        except Exception as error:
            system.failures.append(f"{type(error).__name__}: {error}"[:300])
        finally:
            system.screens.forget(user_id)

    gc.collect()
    if offset == 0 and ids:
        # The very first /start uploads the welcome video note; later ones reuse its id.
        await register(ids[0])
        ids = ids[1:]
    reg_seconds = await run_pool(ids, register, concurrency)
    work_seconds = await run_pool(ids, workout, concurrency)
    return latencies, reg_seconds, work_seconds


async def measure(system: System, cfg: BenchConfig) -> SystemResult:
    result = SystemResult(system.name)
    await _pass(system, 0, max(1, cfg.warmup_users), cfg.concurrency)
    pauses = GcPauses()
    with pauses:
        loaded, reg_seconds, work_seconds = await _pass(
            system, 1_000_000, cfg.users, cfg.concurrency
        )
    result.registration.updates = len(loaded.values(REGISTRATION_STEPS))
    result.registration.seconds = reg_seconds
    result.registration.loaded = loaded.values(REGISTRATION_STEPS)
    result.workout.updates = len(loaded.values(WORKOUT_STEPS))
    result.workout.seconds = work_seconds
    result.workout.loaded = loaded.values(WORKOUT_STEPS)
    if cfg.sequential_users:
        with pauses:
            alone, _, _ = await _pass(system, 2_000_000, cfg.sequential_users, 1)
        result.registration.alone = alone.values(REGISTRATION_STEPS)
        result.workout.alone = alone.values(WORKOUT_STEPS)
    result.gc_pauses = pauses.summary()
    return result


def systems(env: BenchEnv) -> list[System]:
    # The baselines keep the Redis locks they were first measured with.
    dp_a, bot_a, screens_a = build_bare_aiogram(env.state("bare_aiogram", shared_locks=True))
    dp_b, bot_b, screens_b = build_bare_dialog(env.state("bare_dialog", shared_locks=True))
    ours = build_bot_under_test(env, "trainer_bot")  # as it polls: in-process locks
    webhook = build_bot_under_test(env, "trainer_bot_webhook", shared_locks=True)
    return [
        System(
            "aiogram, bare handler + Redis",
            dp_a,
            bot_a,
            screens_a,
            100_000_000,
            any_button=True,
            expect_texts=False,
        ),
        System("aiogram-dialog wizard + Redis", dp_b, bot_b, screens_b, 200_000_000),
        System(
            OURS,
            ours.dp,
            ours.bot,
            ours.screens,
            300_000_000,
            service=ours.service,
        ),
        System(
            OURS_WEBHOOK,
            webhook.dp,
            webhook.bot,
            webhook.screens,
            800_000_000,
            service=webhook.service,
        ),
    ]


async def run(cfg: BenchConfig, env: BenchEnv) -> dict[str, object]:
    all_systems = systems(env)
    results = [await measure(system, cfg) for system in all_systems]
    bare, dialog, ours, webhook = results
    rows = []
    for result in results:
        for flow_name, flow in (("registration", result.registration), ("workout", result.workout)):
            rows.append(
                [
                    result.name,
                    flow_name,
                    flow.updates,
                    f"{flow.rate:.0f}",
                    ms(percentile(flow.loaded, 50)),
                    ms(percentile(flow.loaded, 99)),
                    ms(percentile(flow.alone, 50)),
                    ms(percentile(flow.alone, 99)),
                    ms(mean(flow.alone)),
                ]
            )
    reg_vs_dialog = ours.registration.rate / dialog.registration.rate
    reg_vs_bare = ours.registration.rate / bare.registration.rate
    work_vs_dialog = ours.workout.rate / dialog.workout.rate
    work_vs_bare = ours.workout.rate / bare.workout.rate
    p99_reg = percentile(ours.registration.alone, 99)
    p99_work = percentile(ours.workout.alone, 99)
    webhook_vs_dialog = webhook.registration.rate / dialog.registration.rate
    notes = [
        f"users per system: {cfg.users} at concurrency {cfg.concurrency} (users in flight, "
        f"each one's updates in order), then {cfg.sequential_users} one at a time; "
        f"{cfg.warmup_users} warm-up users first",
        "upd/s: updates / wall time of the flow; latency: one feed_update, in ms",
        "locks: both baselines and the webhook row take aiogram's and aiogram-dialog's per-user "
        "locks in Redis (RedisEventIsolation, 4 Redis commands per update), as webhook "
        "replicas must; the polling row takes them in-process (InProcessEventIsolation), as the "
        "polling bot does (BOT_MODE=polling, the default); state is in Redis in every row",
        f"trainer_bot (polling) / aiogram-dialog baseline: registration {reg_vs_dialog:.2f}x "
        f"(target >= {TARGET_RATIO}x: {verdict(reg_vs_dialog >= TARGET_RATIO)}), "
        f"workout {work_vs_dialog:.2f}x; webhook configuration: registration "
        f"{webhook_vs_dialog:.2f}x",
        f"trainer_bot (polling) / bare aiogram baseline: registration {reg_vs_bare:.2f}x, "
        f"workout {work_vs_bare:.2f}x",
        f"p99 per update, one user at a time (target < {TARGET_P99 * 1000:.0f} ms), polling: "
        f"registration {ms(p99_reg)} ms {verdict(p99_reg < TARGET_P99)}, "
        f"workout {ms(p99_work)} ms {verdict(p99_work < TARGET_P99)}; webhook: "
        f"registration {ms(percentile(webhook.registration.alone, 99))} ms, "
        f"workout {ms(percentile(webhook.workout.alone, 99))} ms",
        f"trainer_bot workout flow wall time includes its {cfg.users} background fallback "
        "generations (click -> workout on screen: see table 3)",
    ]
    notes.append("garbage collector pauses during the measured passes:")
    for result in results:
        notes.append(f"  {result.name}: {result.gc_pauses}")
    for system in all_systems:
        if system.failures:
            notes.append(
                f"{system.name}: {len(system.failures)} flows FAILED, e.g. {system.failures[0]}"
            )
    print_table(
        "Table 1. Dialog throughput and latency",
        [
            "system",
            "flow",
            "updates",
            "upd/s",
            f"p50@{cfg.concurrency}",
            f"p99@{cfg.concurrency}",
            "p50@1",
            "p99@1",
            "mean@1",
        ],
        rows,
        notes,
    )
    return {
        "results": results,
        "reg_vs_dialog": reg_vs_dialog,
        "reg_vs_bare": reg_vs_bare,
        "webhook_vs_dialog": webhook_vs_dialog,
        "p99_reg": p99_reg,
        "p99_work": p99_work,
    }
