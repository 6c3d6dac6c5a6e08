"""The chart files aiogram-dialog sends the «📉 График» photo from."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from trainer_bot import chart_files


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_files, "_latest", {})
    monkeypatch.setattr(chart_files, "MAX_KEPT", 2)


async def exists(path: Path) -> bool:
    return await asyncio.to_thread(path.is_file)


async def test_one_file_per_user_named_by_the_picture() -> None:
    first = await chart_files.save_chart(1, b"\x89PNG one")
    assert await chart_files.save_chart(1, b"\x89PNG one") == first  # the same picture
    second = await chart_files.save_chart(1, b"\x89PNG two")
    assert second != first and chart_files.latest_chart(1) == second
    assert not await exists(first) and await exists(second)


async def test_the_oldest_users_chart_goes_beyond_the_limit() -> None:
    oldest = await chart_files.save_chart(11, b"a")
    await chart_files.save_chart(12, b"b")
    await chart_files.save_chart(11, b"a")  # seen again: now the newest
    await chart_files.save_chart(13, b"c")
    assert chart_files.latest_chart(12) is None
    assert chart_files.latest_chart(11) == oldest and await exists(oldest)
