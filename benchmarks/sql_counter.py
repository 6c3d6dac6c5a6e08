"""SQL statements, pool checkouts and Redis commands counted per labelled step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import Dispatcher
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(slots=True)
class SqlCell:
    statements: int = 0
    checkouts: int = 0  # connection checkouts: each costs a pre-ping round trip
    redis: int = 0  # Redis commands (FSM storage, dialog stack and context, locks)
    texts: list[str] | None = None  # the statements themselves, when asked for


_SQL_CELL: ContextVar[SqlCell | None] = ContextVar("bench_sql_cell", default=None)


class SqlCounter:
    """Counts statements (`before_cursor_execute`), pool checkouts and, when given the
    client, Redis commands per labelled step.

    The label lives in a context variable: SQLAlchemy's greenlets inherit the asyncio
    task's context, so concurrent users never mix their counts.
    """

    def __init__(self, engine: AsyncEngine, *, keep_texts: bool = False) -> None:
        self._engine = engine.sync_engine
        self.samples: dict[str, list[SqlCell]] = defaultdict(list)
        self.unattributed = SqlCell()
        self.keep_texts = keep_texts
        self._redis: Redis | None = None

    def install(self, redis: Redis | None = None) -> None:
        event.listen(self._engine, "before_cursor_execute", self._on_execute)
        event.listen(self._engine, "checkout", self._on_checkout)
        if redis is not None:
            inner = redis.execute_command

            async def counted(*args: Any, **options: Any) -> Any:
                cell = _SQL_CELL.get() or self.unattributed
                cell.redis += 1
                if cell.texts is not None:
                    cell.texts.append(f"redis {args[0]}")
                return await inner(*args, **options)  # type: ignore[no-untyped-call]

            redis.execute_command = counted  # type: ignore[method-assign]
            self._redis = redis

    def remove(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._on_execute)
        event.remove(self._engine, "checkout", self._on_checkout)
        if self._redis is not None:
            del self._redis.execute_command  # the class's method again
            self._redis = None

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        cell = _SQL_CELL.get() or self.unattributed
        cell.statements += 1
        if cell.texts is not None:
            cell.texts.append(" ".join(statement.split())[:160])

    def _on_checkout(self, *_: Any) -> None:
        (_SQL_CELL.get() or self.unattributed).checkouts += 1

    @contextmanager
    def step(self, label: str) -> Iterator[SqlCell]:
        cell = SqlCell(texts=[] if self.keep_texts else None)
        token = _SQL_CELL.set(cell)
        try:
            yield cell
        finally:
            _SQL_CELL.reset(token)
            self.samples[label].append(cell)


class _LabelledBgManager:
    """A BgManager whose `fg()` block (where the workout screen is rendered after the
    background generation) counts its SQL under its own label."""

    def __init__(self, inner: Any, counter: SqlCounter, label: str) -> None:
        self._inner = inner
        self._counter = counter
        self._label = label

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @asynccontextmanager
    async def fg(self) -> AsyncIterator[Any]:
        with self._counter.step(self._label):
            async with self._inner.fg() as manager:
                yield manager


def label_background_screens(dp: Dispatcher, counter: SqlCounter, label: str) -> None:
    """Count the SQL of `fg()` blocks (the workout screen shown after the background
    generation) under `label`: wraps the bg manager factory that aiogram-dialog's
    middlewares hand to handlers."""
    for observer in dp.observers.values():
        for middleware in list(observer.outer_middleware):
            factory = getattr(middleware, "bg_manager_factory", None)
            if factory is not None:
                inner = factory.bg

                def labelled(*args: Any, _inner: Any = inner, **kwargs: Any) -> Any:
                    return _LabelledBgManager(_inner(*args, **kwargs), counter, label)

                factory.bg = labelled
                return
    raise RuntimeError("aiogram-dialog's bg manager factory was not found")
