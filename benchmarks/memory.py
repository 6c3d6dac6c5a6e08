"""Table 5: resident memory of the bot process after many simulated users.

Runs in a fresh subprocess (`python -m benchmarks.memory --child`) so the earlier tables
leave nothing behind: the child imports the bot, builds the Dispatcher as table 1 does
(Postgres, Redis, fallback generator, fake Telegram keeping only each chat's last screen,
dropped when the user is done), then N users register and receive a workout, `concurrency`
at a time. RSS and its peak (VmRSS, VmHWM) come from /proc/self/status.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from typing import Any

from benchmarks.bot_under_test import build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.report import print_table, verdict
from benchmarks.runtime import freeze_like_the_bot, read_rss_kib, setup_bench_logging
from benchmarks.services import bench_env
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    WORKOUT_DONE,
    SimUser,
    registration_script,
    run_pool,
    workout_script,
)
from trainer_bot.config import PROJECT_ROOT

TARGET_RSS_MIB = 150
ID_BASE = 600_000_000


async def _child(users: int, concurrency: int) -> dict[str, object]:
    problems = setup_bench_logging()
    freeze_like_the_bot()
    rss_imported, _ = read_rss_kib()
    failures: list[str] = []
    async with bench_env(migrate_in_subprocess=True) as env:
        ours = build_bot_under_test(env, "memory")

        async def one_user(user_id: int) -> None:
            user = SimUser(
                dp=ours.dp,
                bot=ours.bot,
                screens=ours.screens,
                user_id=user_id,
                service=ours.service,
            )
            try:
                await user.run(registration_script(user_id - ID_BASE), REGISTRATION_DONE)
                await user.run(workout_script(), WORKOUT_DONE)
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}"[:300])
            finally:
                ours.screens.forget(user_id)

        await one_user(ID_BASE)  # the first /start uploads the welcome video note
        gc.collect()
        rss_ready, _ = read_rss_kib()
        started = time.perf_counter()
        ids = list(range(ID_BASE + 1, ID_BASE + 1 + users))
        checkpoints: list[tuple[int, int]] = []  # (users done, RSS KiB): growth or plateau?
        chunk = max(1, users // 5)
        for first in range(0, users, chunk):
            await run_pool(ids[first : first + chunk], one_user, concurrency)
            await ours.service.wait_background()
            gc.collect()
            checkpoints.append((min(users, first + chunk), read_rss_kib()[0]))
        seconds = time.perf_counter() - started
        await ours.service.wait_background()
        gc.collect()
        rss_end, hwm = read_rss_kib()
        screens_left = len(ours.screens.screens)
    return {
        "users": users,
        "concurrency": concurrency,
        "rss_imported_kib": rss_imported,
        "rss_ready_kib": rss_ready,
        "rss_end_kib": rss_end,
        "hwm_kib": hwm,
        "seconds": seconds,
        "failures": len(failures),
        "first_failure": failures[0] if failures else "",
        "log_problems": problems.count,
        "screens_left": screens_left,
        "checkpoints": checkpoints,
    }


def run(cfg: BenchConfig) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.memory",
        "--child",
        "--users",
        str(cfg.memory_users),
        "--concurrency",
        str(cfg.concurrency),
    ]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        raise RuntimeError(f"the memory benchmark's subprocess failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    mib = 1024
    end = result["rss_end_kib"] / mib
    per_user = (result["rss_end_kib"] - result["rss_ready_kib"]) / max(1, result["users"])
    rows = [
        [
            "after imports (bot, aiogram, SQLAlchemy, catalogue)",
            f"{result['rss_imported_kib'] / mib:.1f}",
            "",
            "",
        ],
        [
            "ready: Dispatcher built, pools open, 1 user served",
            f"{result['rss_ready_kib'] / mib:.1f}",
            "",
            "",
        ],
        [
            f"after {result['users']:,} users registered + got a workout",
            f"{end:.1f}",
            f"< {TARGET_RSS_MIB}",
            verdict(end < TARGET_RSS_MIB),
        ],
        [
            "peak (VmHWM)",
            f"{result['hwm_kib'] / mib:.1f}",
            f"< {TARGET_RSS_MIB}",
            verdict(result["hwm_kib"] / mib < TARGET_RSS_MIB),
        ],
        ["growth per user (KiB)", f"{per_user:.1f}", "", ""],
    ]
    steps = ", ".join(f"{done:,}: {kib / mib:.1f}" for done, kib in result["checkpoints"])
    notes = [
        f"RSS (MiB) after users done: {steps}",
        f"fresh subprocess; {result['users']:,} users at concurrency {result['concurrency']} "
        f"in {result['seconds']:.1f} s; failed flows: {result['failures']}; "
        f"log warnings/errors: {result['log_problems']}",
    ]
    if result["first_failure"]:
        notes.append(f"first failure: {result['first_failure']}")
    print_table("Table 5. Memory (RSS, MiB)", ["when", "MiB", "target", ""], rows, notes)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--child", action="store_true", help="measure in this process")
    parser.add_argument("--users", type=int, default=BenchConfig.from_env().memory_users)
    parser.add_argument("--concurrency", type=int, default=BenchConfig.from_env().concurrency)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child(args.users, args.concurrency))), flush=True)
    else:
        run(BenchConfig(memory_users=args.users, concurrency=args.concurrency))


if __name__ == "__main__":
    main()
