"""The process around a run: garbage collector, logging, memory, as the bot has them."""

from __future__ import annotations

import gc
import logging
import time

from benchmarks.report import ms
from trainer_bot.app import freeze_startup


class GcPauses:
    """Garbage collector pauses while active (`with GcPauses() as pauses:`), by generation:
    a full (generation 2) collection walks every tracked object, and aiogram's imported
    models alone are hundreds of thousands of them."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> str:
        parts = []
        for generation in (2, 1, 0):
            values = self.pauses[generation]
            if values:
                parts.append(
                    f"gen{generation} {len(values)}x (max {ms(max(values))} ms, "
                    f"total {ms(sum(values))} ms)"
                )
        return ", ".join(parts) or "none"


class LogProblems(logging.Handler):
    """Counts warnings and errors logged during a run (a flow that silently failed shows
    up here: the bot's error handlers log, then answer the user)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:200]}")


def freeze_like_the_bot() -> None:
    """What the bot does once start-up is built (`trainer_bot.app.freeze_startup`): a full
    collection, then `gc.freeze()`, so the long-lived objects (~270k from the imports,
    mostly aiogram's models, then the Dispatcher and dialogs) are no longer walked by every
    full collection. Called at start and by `build_bot_under_test`."""
    freeze_startup()


def setup_bench_logging() -> LogProblems:
    """The root logger at WARNING (the bot's INFO lines are not written anywhere), with a
    counter of warnings and errors."""
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    problems = LogProblems()
    root.addHandler(problems)
    return problems


def read_rss_kib() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in KiB, from /proc/self/status."""
    values = {"VmRSS": 0, "VmHWM": 0}
    with open("/proc/self/status", encoding="ascii") as status:
        for raw in status:
            key, _, rest = raw.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]
