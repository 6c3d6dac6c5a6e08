"""The in-flight tracker the runners drain on shutdown (instead of aiogram's private sets)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import TelegramObject

from trainer_bot.middlewares.in_flight import InFlightUpdates


async def test_finish_waits_for_updates_in_progress() -> None:
    in_flight = InFlightUpdates()
    done: list[str] = []

    async def handler(_event: TelegramObject, _data: dict[str, Any]) -> None:
        await asyncio.sleep(0.2)
        done.append("update")

    update = asyncio.create_task(in_flight(handler, TelegramObject(), {}))
    await in_flight.finish(grace_seconds=5)  # the task has not even started yet
    assert done == ["update"]
    assert update.done() and not update.cancelled()
    assert in_flight.tasks == set()


async def test_finish_cancels_what_outlives_the_grace_period() -> None:
    in_flight = InFlightUpdates()

    async def stuck(_event: TelegramObject, _data: dict[str, Any]) -> None:
        await asyncio.sleep(60)

    update = asyncio.create_task(in_flight(stuck, TelegramObject(), {}))
    await asyncio.sleep(0)
    assert in_flight.tasks == {update}
    await in_flight.finish(grace_seconds=0.1)
    assert update.cancelled()
    assert in_flight.tasks == set()


async def test_finish_with_nothing_in_flight_returns_at_once() -> None:
    await asyncio.wait_for(InFlightUpdates().finish(grace_seconds=60), 1)
