"""The benchmark run's settings: command line, environment, defaults."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.strip() else default


@dataclass
class BenchConfig:
    users: int = 200  # table 1: users per system, each registers then takes a workout
    concurrency: int = 20  # table 1: users in flight at once (each one's updates in order)
    sequential_users: int = 20  # tables 1 and 2: users run one at a time (service time)
    warmup_users: int = 5  # per system, before anything is measured
    fallback_rounds: int = 4  # table 3: workouts in a row per profile (history grows)
    llm_users: int = 20  # table 3: workouts through the fake LLM
    llm_delay_ms: int = 300  # table 3: the fake LLM answers after this long
    memory_users: int = 1000  # table 5
    history_users: int = 10_000  # table 7: users seeded with a year of history each
    history_measured_users: int = 30  # table 7: users measured on each database
    stream_users: int = 3  # table 6: workouts per mode (streaming on, off), all at once
    tables: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

    @classmethod
    def from_env(cls) -> BenchConfig:
        base = cls()
        return cls(
            users=_env_int("BENCH_USERS", base.users),
            concurrency=_env_int("BENCH_CONCURRENCY", base.concurrency),
            sequential_users=_env_int("BENCH_SEQUENTIAL_USERS", base.sequential_users),
            warmup_users=_env_int("BENCH_WARMUP_USERS", base.warmup_users),
            fallback_rounds=_env_int("BENCH_FALLBACK_ROUNDS", base.fallback_rounds),
            llm_users=_env_int("BENCH_LLM_USERS", base.llm_users),
            llm_delay_ms=_env_int("BENCH_LLM_DELAY_MS", base.llm_delay_ms),
            memory_users=_env_int("BENCH_MEMORY_USERS", base.memory_users),
            history_users=_env_int("BENCH_HISTORY_USERS", base.history_users),
            history_measured_users=_env_int(
                "BENCH_HISTORY_MEASURED_USERS", base.history_measured_users
            ),
            stream_users=_env_int("BENCH_STREAM_USERS", base.stream_users),
        )

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> BenchConfig:
        env = cls.from_env()
        parser = argparse.ArgumentParser(
            prog="python -m benchmarks",
            description="trainer_bot benchmarks: seven tables of figures next to targets "
            "(env: BENCH_USERS, BENCH_CONCURRENCY, BENCH_SEQUENTIAL_USERS, BENCH_LLM_USERS, "
            "BENCH_LLM_DELAY_MS, BENCH_MEMORY_USERS, BENCH_HISTORY_USERS, "
            "BENCH_HISTORY_MEASURED_USERS, BENCH_STREAM_USERS, BENCH_POSTGRES_DSN, "
            "BENCH_REDIS_URL)",
        )
        parser.add_argument("--users", type=int, default=env.users)
        parser.add_argument("--concurrency", type=int, default=env.concurrency)
        parser.add_argument("--sequential-users", type=int, default=env.sequential_users)
        parser.add_argument("--warmup-users", type=int, default=env.warmup_users)
        parser.add_argument("--fallback-rounds", type=int, default=env.fallback_rounds)
        parser.add_argument("--llm-users", type=int, default=env.llm_users)
        parser.add_argument("--llm-delay-ms", type=int, default=env.llm_delay_ms)
        parser.add_argument("--memory-users", type=int, default=env.memory_users)
        parser.add_argument("--history-users", type=int, default=env.history_users)
        parser.add_argument(
            "--history-measured-users", type=int, default=env.history_measured_users
        )
        parser.add_argument("--stream-users", type=int, default=env.stream_users)
        parser.add_argument(
            "--only", default="1,2,3,4,5,6,7", help="comma-separated table numbers, e.g. 1,3"
        )
        args = parser.parse_args(argv)
        tables = tuple(sorted({int(part) for part in args.only.split(",") if part.strip()}))
        return cls(
            users=args.users,
            concurrency=max(1, args.concurrency),
            sequential_users=args.sequential_users,
            warmup_users=args.warmup_users,
            fallback_rounds=max(1, args.fallback_rounds),
            llm_users=args.llm_users,
            llm_delay_ms=args.llm_delay_ms,
            memory_users=args.memory_users,
            history_users=max(1, args.history_users),
            history_measured_users=max(1, args.history_measured_users),
            stream_users=max(1, args.stream_users),
            tables=tables,
        )
