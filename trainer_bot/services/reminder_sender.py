"""Delivering due reminders: once each, from any number of processes, under the limits.

Every process runs a sender loop (started with the workout-job sweeper, a pass every
`REMINDER_SWEEP_SECONDS`). A pass takes due reminders one at a time, each in its own
transaction: `SELECT ... FOR UPDATE SKIP LOCKED` locks the most overdue row (another
process skips it rather than waits), the message is sent, and `next_at` moves to the next
day in the same transaction, committed at once. So two replicas never send the same
reminder, and a process that dies mid-send rolls its transaction back (Postgres drops the
lock with the connection) so another process sends that one reminder: nothing is lost.
The one case that can repeat a reminder is a process killed after Telegram accepted the
message and before the commit a millisecond later; a graceful stop (SIGTERM) lets the
reminder being sent finish, so restarts and deploys send each reminder exactly once.

Per reminder: never at night (22:00-08:00 local: skipped to the next day), never twice a
local day, never more than `MAX_LATENESS` late (a bot down for hours skips the missed
ones instead of sending them at odd hours). Telegram's 403 (blocked) pauses the reminder
until the user comes back (dialogs/reminders/prompt.py resumes it); a 429 pauses every
sender of every replica for `retry_after` (the pacer, shared through Redis) and the same
reminder is sent again; a network or server error ends the pass (the row stays due, the
next pass tries again). The sender's Bot has no flood-retry middleware of its own
(trainer_bot/app.py): the pacer is what waits, for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import ReminderMode
from trainer_bot.queries import reminders as reminder_queries
from trainer_bot.services.reminder_schedule import MAX_LATENESS, is_daytime
from trainer_bot.services.reminders import arm
from trainer_bot.services.send_pacer import LocalPacer, SendPacer
from trainer_bot.time_zones import resolve_zone

logger = logging.getLogger(__name__)

REARM_BATCH = 200
MAX_FLOOD_RETRIES = 5  # 429s in a row for one reminder before it waits for the next pass
STOP_GRACE_SECONDS = 5.0


class Outcome(StrEnum):
    SENT = "sent"
    PAUSED = "paused"  # blocked by the user
    SKIPPED = "skipped"  # night, late, already sent today, or re-armed: set for later
    RETRY = "retry"  # flood control: paused, the same reminder again
    FAILED = "failed"  # network or server trouble: the pass ends


@dataclass(frozen=True, slots=True)
class ReminderMessage:
    """What the reminder says and its buttons (made by dialogs/reminders/prompt.py)."""

    text: str
    reply_markup: Any


class ReminderComposer(Protocol):
    def __call__(self, mode: ReminderMode) -> ReminderMessage: ...


@dataclass
class PassReport:
    sent: int = 0
    paused: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, outcome: Outcome) -> None:
        field = {
            Outcome.SENT: "sent",
            Outcome.PAUSED: "paused",
            Outcome.SKIPPED: "skipped",
            Outcome.RETRY: "retried",
            Outcome.FAILED: "failed",
        }[outcome]
        setattr(self, field, getattr(self, field) + 1)


class ReminderSender:
    def __init__(
        self,
        session_factory: Callable[[], AsyncSession],
        *,
        default_timezone: str,
        cooldown: timedelta,
        clock: Callable[[], datetime],
        sweep_seconds: float = 30.0,
        pacer: SendPacer | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._default_timezone = default_timezone
        self._cooldown = cooldown
        self._clock = clock
        self.sweep_seconds = sweep_seconds
        self.pacer: SendPacer = pacer or LocalPacer(25.0)
        self._composer: ReminderComposer | None = None
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False

    def attach_composer(self, composer: ReminderComposer) -> None:
        self._composer = composer

    def _compose(self, mode: ReminderMode) -> ReminderMessage:
        if self._composer is None:
            raise RuntimeError("no composer attached: create_dispatcher attaches it")
        return self._composer(mode)

    # --- one pass ----------------------------------------------------------------------

    async def deliver_due(self, bot: Bot) -> PassReport:
        """Re-arm "next workout" reminders, then send every due reminder (until stopped)."""
        report = PassReport()
        await self.rearm()
        while not self._stopping:
            outcome = await self.deliver_one(bot)
            if outcome is None:
                break
            report.add(outcome)
            if outcome is Outcome.FAILED:
                break
        if report.sent or report.paused or report.failed:
            logger.info(
                "Reminders: %d sent, %d paused (blocked), %d set for later, %d retried, %d failed",
                report.sent,
                report.paused,
                report.skipped,
                report.retried,
                report.failed,
            )
        return report

    async def rearm(self) -> int:
        """ "When the next workout opens" reminders whose user got a newer workout."""
        now = self._clock()
        async with self._session_factory() as session:
            rows = await reminder_queries.lock_unarmed(session, REARM_BATCH)
            for reminder, timezone, last_workout_at in rows:
                zone = resolve_zone(timezone, self._default_timezone)
                arm(
                    reminder,
                    zone.tz,
                    now=now,
                    last_workout_at=last_workout_at,
                    cooldown=self._cooldown,
                    skip_day=reminder.last_sent_on,
                )
            await session.commit()
            return len(rows)

    async def deliver_one(self, bot: Bot) -> Outcome | None:
        """The most overdue reminder, handled in one transaction; None when none is due."""
        async with self._session_factory() as session:
            now = self._clock()
            due = await reminder_queries.lock_next_due(session, now)
            if due is None:
                return None
            reminder = due.reminder
            zone = resolve_zone(due.timezone, self._default_timezone)
            local = zone.local(now)
            mode = ReminderMode(reminder.mode)
            stale_arm = mode is ReminderMode.NEXT_WORKOUT and (
                reminder.anchor_at != due.last_workout_at
            )
            too_late = reminder.next_at is not None and now - reminder.next_at > MAX_LATENESS
            if (
                stale_arm
                or too_late
                or not is_daytime(local)
                or reminder.last_sent_on == local.date()
            ):
                self._arm(reminder, zone.tz, now, due.last_workout_at, reminder.last_sent_on)
                await session.commit()
                return Outcome.SKIPPED
            outcome = await self._send(bot, due.telegram_id, mode)
            if outcome is Outcome.SENT:
                reminder.last_sent_on = local.date()
                if mode is ReminderMode.NEXT_WORKOUT:
                    reminder.next_at = None  # until the user gets a newer workout
                else:
                    self._arm(reminder, zone.tz, now, due.last_workout_at, local.date())
            elif outcome is Outcome.PAUSED:
                reminder.paused_at = now
            else:
                await session.rollback()  # the row stays due
                return outcome
            await session.commit()
            return outcome

    def _arm(
        self, reminder: Any, tz: Any, now: datetime, last_workout_at: Any, skip_day: Any
    ) -> None:
        arm(
            reminder,
            tz,
            now=now,
            last_workout_at=last_workout_at,
            cooldown=self._cooldown,
            skip_day=skip_day,
        )

    async def _send(self, bot: Bot, telegram_id: int, mode: ReminderMode) -> Outcome:
        """Send one reminder (its row stays locked meanwhile). A 429 pauses every sender
        of every replica for `retry_after` (the shared pacer) and the same reminder is
        sent again after it, a few times at most."""
        message = self._compose(mode)
        for _ in range(MAX_FLOOD_RETRIES):
            await self.pacer.acquire()
            try:
                await bot.send_message(
                    chat_id=telegram_id, text=message.text, reply_markup=message.reply_markup
                )
            except TelegramRetryAfter as error:
                logger.warning(
                    "Telegram flood control on reminders: pausing %s s", error.retry_after
                )
                await self.pacer.pause(float(error.retry_after))
                continue
            except TelegramForbiddenError:
                logger.info("User %s blocked the bot: reminders paused", telegram_id)
                return Outcome.PAUSED
            except TelegramBadRequest as error:
                # The chat is gone (deleted account, never started): no retry changes it.
                logger.warning("Cannot remind user %s: %s; reminders paused", telegram_id, error)
                return Outcome.PAUSED
            except Exception as error:
                logger.error("Could not send user %s a reminder: %r", telegram_id, error)
                return Outcome.FAILED
            return Outcome.SENT
        return Outcome.RETRY

    # --- the loop ----------------------------------------------------------------------

    async def _run_forever(self, bot: Bot) -> None:
        while not self._stopping:
            try:
                await self.deliver_due(bot)
            except Exception as error:
                logger.warning("Reminder pass failed: %r", error)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.sweep_seconds)

    def start(self, bot: Bot) -> None:
        """The first pass runs at once (reminders that fell due while the bot was down)."""
        if self._loop is None:
            self._stopping = False
            self._wake = asyncio.Event()
            self._loop = asyncio.create_task(self._run_forever(bot), name="reminder-sender")

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Let the reminder being sent finish (its commit included), then stop."""
        if self._loop is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._loop), grace)
        except TimeoutError:
            self._loop.cancel()
        await asyncio.gather(self._loop, return_exceptions=True)
        self._loop = None
