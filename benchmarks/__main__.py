"""`python -m benchmarks [--only 1,2 --users N ...]`: run the benchmarks, print the tables."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import time
from importlib import metadata

from benchmarks import (
    generation,
    history_scale,
    llm_cost,
    memory,
    sql_counts,
    streaming,
    throughput,
)
from benchmarks.config import BenchConfig
from benchmarks.runtime import freeze_like_the_bot, setup_bench_logging
from benchmarks.services import POSTGRES_ADMIN_DSN, REDIS_URL, ServiceUnavailableError, bench_env


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


async def _versions() -> tuple[str, str]:
    import asyncpg
    from redis.asyncio import Redis

    postgres = redis_version = "unknown"
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
        try:
            postgres = str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()
    except Exception:
        pass
    client = Redis.from_url(REDIS_URL)
    try:
        redis_version = str((await client.info("server")).get("redis_version", "unknown"))
    except Exception:
        pass
    finally:
        await client.aclose()
    return postgres, redis_version


def _header(cfg: BenchConfig, postgres: str, redis_version: str) -> None:
    names = ("aiogram", "aiogram-dialog", "SQLAlchemy", "asyncpg", "redis", "pydantic")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} ?")
    libraries = ", ".join(found)
    print("trainer_bot benchmarks")
    print(f"  machine: {os.cpu_count()} CPUs ({_cpu_model()}), load average {_load()}")
    print(f"  Python {platform.python_version()}; PostgreSQL {postgres}; Redis {redis_version}")
    print(f"  {libraries}")
    print(
        f"  users {cfg.users} at concurrency {cfg.concurrency}, {cfg.sequential_users} one at "
        f"a time; LLM {cfg.llm_users} x {cfg.llm_delay_ms} ms; memory {cfg.memory_users} users;"
        f" history {cfg.history_users:,} users; streaming {cfg.stream_users} per mode;"
        f" tables {','.join(map(str, cfg.tables))}",
        flush=True,
    )


async def _in_process(cfg: BenchConfig) -> None:
    problems = setup_bench_logging()
    freeze_like_the_bot()
    postgres, redis_version = await _versions()
    _header(cfg, postgres, redis_version)
    if {1, 2, 3, 6} & set(cfg.tables):
        async with bench_env() as env:
            order = [
                (1, throughput.run),
                (2, sql_counts.run),
                (3, generation.run),
                (6, streaming.run),
            ]
            for number, table in order:
                if number in cfg.tables:
                    started = time.perf_counter()
                    await table(cfg, env)
                    print(f"  (table {number}: {time.perf_counter() - started:.0f} s)", flush=True)
    if 4 in cfg.tables:
        started = time.perf_counter()
        llm_cost.run(cfg)
        print(f"  (table 4: {time.perf_counter() - started:.0f} s)", flush=True)
    if 7 in cfg.tables:  # a database of its own: 10,000 users with a year of history
        started = time.perf_counter()
        await history_scale.run(cfg)
        print(f"  (table 7: {time.perf_counter() - started:.0f} s)", flush=True)
    if problems.count:
        print(f"log warnings/errors during tables 1-4, 6 and 7: {problems.count}; first ones:")
        for line in problems.first:
            print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    cfg = BenchConfig.parse(argv)
    started = time.perf_counter()
    try:
        asyncio.run(_in_process(cfg))
        if 5 in cfg.tables:
            table_started = time.perf_counter()
            memory.run(cfg)
            print(f"  (table 5: {time.perf_counter() - table_started:.0f} s)", flush=True)
    except ServiceUnavailableError as error:
        print(f"benchmarks need PostgreSQL and Redis: {error}", file=sys.stderr)
        return 3
    except subprocess.TimeoutExpired:
        print("the memory benchmark's subprocess timed out", file=sys.stderr)
        return 1
    print(f"total time {time.perf_counter() - started:.0f} s; load average now {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
