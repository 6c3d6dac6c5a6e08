"""The in-process per-user lock of the polling bot.

aiogram's FSM middleware and aiogram-dialog's intent middleware take a lock per user (per
storage key) so that one user's updates are handled one at a time. aiogram's own
`SimpleEventIsolation` keeps every lock it ever made (`defaultdict(Lock)`, "TODO: Unused
locks cleaner is needed" in aiogram 3.31): about 520 bytes per user who ever wrote, for the
life of the process. This one keeps a lock only while an update holds it or waits for it.

It also frees a lock whose holder has finished without releasing it: aiogram-dialog 2.6
takes the dialog-stack lock and then reads the stack, and when that read fails (Redis down)
it never releases the lock, so every later update of that user (and every background
result for them) would wait forever.
"""

from __future__ import annotations

import asyncio
from asyncio import Lock
from collections.abc import AsyncGenerator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


@dataclass(slots=True)
class _Slot:
    lock: Lock = field(default_factory=Lock)
    users: int = 0  # updates holding or waiting for the lock
    holder: asyncio.Task[object] | None = None


# How often a waiter checks whether the holder is gone without releasing.
ORPHAN_CHECK_SECONDS = 0.5


async def _acquire(slot: _Slot) -> None:
    while True:
        holder = slot.holder
        if slot.lock.locked() and holder is not None and holder.done():
            slot.holder = None
            slot.lock.release()
        try:
            await asyncio.wait_for(slot.lock.acquire(), ORPHAN_CHECK_SECONDS)
        except TimeoutError:
            continue
        slot.holder = asyncio.current_task()
        return


class InProcessEventIsolation(BaseEventIsolation):
    """Per-key asyncio locks, forgotten when nobody holds or waits for them.

    Correct only when this process is the only one handling a user's updates (long
    polling); webhook replicas need `RedisEventIsolation`.
    """

    def __init__(self) -> None:
        self._slots: dict[Hashable, _Slot] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        slot.users += 1
        try:
            await _acquire(slot)
            me = slot.holder
            try:
                yield
            finally:
                # A holder finalized late (the lock was freed for others meanwhile) must
                # not release a lock that is no longer its own.
                if slot.holder is me:
                    slot.holder = None
                    slot.lock.release()
        finally:
            slot.users -= 1
            # Nobody else refers to this lock: the next update of the user makes a new one.
            # (`close()` at shutdown may have dropped it already, under a running update.)
            if slot.users == 0 and self._slots.get(key) is slot:
                del self._slots[key]

    @property
    def keys_in_use(self) -> int:
        """Keys with a lock right now (held or awaited). Not `__len__`: aiogram and
        aiogram-dialog test the isolation for truth and would replace an empty one."""
        return len(self._slots)

    async def close(self) -> None:
        self._slots.clear()
