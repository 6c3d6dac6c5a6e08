"""Where the time of an update goes: cProfile over simulated users, grouped by package.

    python -m benchmarks.profile [--users 30] [--flow registration|workout|both] [--top 25]

Users run one at a time through the real Dispatcher (as in table 2). Prints the share of
this process's CPU time (self time; `--wall` for wall-clock) per package, ours
(`trainer_bot`, `dialogs`) against the libraries, then the top functions by cumulative
and by self time. cProfile inflates call-heavy code; for a sampling view:

    py-spy record --rate 200 --format raw -o stacks.txt -- \
        python -m benchmarks.profile --plain --users 200
    python -m benchmarks.profile --fold stacks.txt
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import re
import time
from collections import defaultdict

from benchmarks.bot_under_test import build_bot_under_test
from benchmarks.runtime import freeze_like_the_bot, setup_bench_logging
from benchmarks.services import bench_env
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    WORKOUT_DONE,
    SimUser,
    registration_script,
    workout_script,
)

ID_BASE = 700_000_000
PACKAGES = (
    "trainer_bot",
    "dialogs",
    "benchmarks",
    "aiogram_dialog",
    "aiogram",
    "sqlalchemy",
    "asyncpg",
    "redis",
    "pydantic_core",
    "pydantic",
    "jinja2",
    "magic_filter",
    "asyncio",
    "json",
    "logging",
    "re",
)


def package_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    parts = filename.replace("\\", "/").split("/")
    for package in PACKAGES:
        if package in parts:
            return package
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return "stdlib/other"


async def _profiled(users: int, flow: str, profiler: cProfile.Profile | None) -> None:
    setup_bench_logging()
    freeze_like_the_bot()
    async with bench_env() as env:
        ours = build_bot_under_test(env, "profile")

        def user(index: int) -> SimUser:
            return SimUser(
                dp=ours.dp,
                bot=ours.bot,
                screens=ours.screens,
                user_id=ID_BASE + index,
                service=ours.service,
            )

        warm = user(0)
        await warm.run(registration_script(0), REGISTRATION_DONE)
        await warm.run(workout_script(), WORKOUT_DONE)
        people = [user(index) for index in range(1, users + 1)]
        if flow == "workout":
            for one in people:
                await one.run(registration_script(one.user_id - ID_BASE), REGISTRATION_DONE)
        if profiler is not None:
            profiler.enable()
        for one in people:
            if flow in ("registration", "both"):
                await one.run(registration_script(one.user_id - ID_BASE), REGISTRATION_DONE)
            if flow in ("workout", "both"):
                await one.run(workout_script(), WORKOUT_DONE)
        if profiler is not None:
            profiler.disable()


_SETUP_MARKERS = (
    "<frozen importlib",
    "bench_env (",
    "alembic",
    "sync_catalogue (",
    "build_bot_under_test (",
    "asyncio/runners.py:71",  # shutdown_asyncgens / teardown
)
_ACTIVITIES = {
    "database: SQLAlchemy + asyncpg": ("sqlalchemy/", "asyncpg/"),
    "Redis: FSM storage and locks (redis-py)": ("redis/",),
    "dialog rendering: windows, widgets, getters": ("aiogram_dialog/window.py",),
    "workout plan: trainer_bot/training": ("trainer_bot/training/",),
    "LLM call: httpx, prompt, validation": ("httpx/", "trainer_bot/llm/"),
    "Telegram objects: pydantic models": ("pydantic/", "pydantic_core/"),
    "our handlers, getters, services, queries": ("dialogs/", "trainer_bot/services/"),
}
_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


def summarise_stacks(path: str, top: int) -> None:
    """py-spy's raw (collapsed) stacks: the share of samples by the package of the leaf
    frame (self), and the share with any frame of ours on the stack (inclusive)."""
    self_by_package: dict[str, int] = defaultdict(int)
    inclusive: dict[str, int] = defaultdict(int)
    by_activity: dict[str, int] = defaultdict(int)
    total = 0
    with open(path, encoding="utf-8") as stacks:
        for raw in stacks:
            stack, _, count_text = raw.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            count = int(count_text)
            if any(marker in stack for marker in _SETUP_MARKERS):
                continue  # imports, database creation, migrations: not the workload
            total += count
            frames = [_FRAME.match(frame) for frame in stack.split(";")]
            parsed = [(m.group("name"), m.group("file")) for m in frames if m]
            if not parsed:
                continue
            self_by_package[package_of(parsed[-1][1])] += count
            for activity, markers in _ACTIVITIES.items():
                if any(marker in stack for marker in markers):
                    by_activity[activity] += count
            seen = set()
            for name, file in parsed:
                if package_of(file) in ("trainer_bot", "dialogs"):
                    key = f"{name} ({file.split('/work/main/')[-1]})"
                    if key not in seen:
                        seen.add(key)
                        inclusive[key] += count
    print(f"\n{total} samples; by the package of the running (leaf) frame:")
    for package, count in sorted(self_by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {package:<20} {count:7d}  {count / total:6.1%}")
    print("\nBy activity (stack contains; a sample can count twice):")
    for activity, count in sorted(by_activity.items(), key=lambda kv: -kv[1]):
        print(f"  {activity:<48} {count:7d}  {count / total:6.1%}")
    print("\nOur functions, inclusive (share of samples with the function on the stack):")
    for key, count in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {count / total:6.1%}  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--flow", choices=("registration", "workout", "both"), default="both")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", help="also write the raw profile here (for snakeviz etc.)")
    parser.add_argument(
        "--wall",
        action="store_true",
        help="wall-clock time (waits included) instead of this process's CPU time",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no cProfile: the same workload for a sampling profiler, e.g. "
        "py-spy record --format raw -o stacks.txt -- python -m benchmarks.profile --plain",
    )
    parser.add_argument("--fold", metavar="STACKS", help="summarise py-spy raw output by package")
    args = parser.parse_args()
    if args.fold:
        summarise_stacks(args.fold, args.top)
        return
    if args.plain:
        asyncio.run(_profiled(args.users, args.flow, None))
        return
    # CPU time by default: on a shared machine, wall time charges other processes' work
    # (preemption inside a syscall) to whatever function was running.
    profiler = cProfile.Profile(time.perf_counter if args.wall else time.process_time)
    asyncio.run(_profiled(args.users, args.flow, profiler))
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename)] += tottime
        total += tottime
    clock = "wall" if args.wall else "CPU"
    print(f"\nSelf time by package ({args.flow}, {args.users} users, {total:.2f} s {clock}):")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {package:<20} {seconds:7.3f} s  {seconds / total:6.1%}")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
