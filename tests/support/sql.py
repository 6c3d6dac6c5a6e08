"""SQL statements and commits an engine runs while a block runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class CapturedSql:
    statements: list[str] = field(default_factory=list)
    commits: int = 0


@contextmanager
def captured_sql(engine: AsyncEngine) -> Iterator[CapturedSql]:
    """Statements and commits on `engine` while the block runs."""
    captured = CapturedSql()

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        captured.statements.append(" ".join(statement.split()))

    def on_commit(_conn: Any) -> None:
        captured.commits += 1

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    event.listen(engine.sync_engine, "commit", on_commit)
    try:
        yield captured
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
        event.remove(engine.sync_engine, "commit", on_commit)
