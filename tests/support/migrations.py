"""Running Alembic commands against a test database from async tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from trainer_bot.db.migrations import alembic_config


async def alembic(action: Callable[..., None], url: str, revision: str) -> None:
    """`action` (e.g. `alembic.command.upgrade`) to `revision`, off the event loop."""
    await asyncio.to_thread(action, alembic_config(url), revision)
