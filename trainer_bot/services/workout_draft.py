"""The workout draft in the chat while the coach writes it (Telegram's sendMessageDraft).

`DraftPresenter` is the `DraftListener` of one workout job: it renders each new
`DraftPlan` and sends it as a draft of the job's private chat, keeping Telegram's limits:
- at most one draft per `interval` (about a second) per chat: drafts that come faster
  are coalesced, the newest is sent when the interval is over (one job per user, so one
  presenter per chat at a time);
- a 429 is waited out once (its `retry_after`), then the newest draft goes; a second
  429 stops the drafts of the job. Nothing is ever re-sent in a loop (the session's
  retry middleware leaves sendMessageDraft alone);
- any other failure stops the drafts of the job, with one log line: the workout itself
  still arrives as a message. A refusal (400, 404: drafts not available to this bot) is
  only recorded in `refusal`: the job runner then turns drafts off for the process and
  says so once.
`close()` before the result is shown: no draft may land after the message that replaces
it (a draft in flight is awaited briefly, a pending one dropped). Whether or not a draft
went out, the result of a job that had a presenter is sent as a new message: one rule,
whatever the timing (a draft may also have reached Telegram while its request failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNotFound,
    TelegramRetryAfter,
)

from trainer_bot.llm.drafting import DraftPlan

logger = logging.getLogger(__name__)

DRAFT_INTERVAL_SECONDS = 1.0
# A draft request that takes longer is not worth waiting for.
DRAFT_REQUEST_TIMEOUT = 5
# How long `close()` lets a draft in flight finish before dropping it.
CLOSE_WAIT_SECONDS = 2.0

Sleep = Callable[[float], Awaitable[object]]


class DraftPresenter:
    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        draft_id: int,
        render: Callable[[DraftPlan], str],
        *,
        interval: float = DRAFT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if draft_id == 0:
            raise ValueError("Telegram wants a non-zero draft_id")
        self._bot = bot
        self._chat_id = chat_id
        self._draft_id = draft_id
        self._render = render
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._pending: str | None = None
        self._sent: str | None = None
        self._next_at = 0.0
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._stopped = False
        self._waited_out = False
        self.updates = 0  # drafts Telegram accepted
        self.sent_at: list[float] = []  # when (clock) each accepted draft went out
        self.refusal: str | None = None  # Telegram refused drafts (400, 404): why

    def update(self, draft: DraftPlan) -> None:
        """`DraftListener`: the newest draft; returns at once (sent by a task of its own)."""
        if self._closed or self._stopped:
            return
        try:
            self._pending = self._render(draft)
        except Exception:
            logger.exception("Workout draft for chat %s could not be rendered", self._chat_id)
            self._stopped = True
            return
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"draft-{self._chat_id}")

    def shown_recently(self, seconds: float) -> bool:
        """A draft went out within `seconds`: the user sees the coach at work."""
        return bool(self.sent_at) and self._clock() - self.sent_at[-1] < seconds

    async def close(self) -> None:
        """No draft is sent after this returns."""
        self._closed = True
        task = self._task
        if task is None:
            return
        if not self._idle.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), CLOSE_WAIT_SECONDS)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _run(self) -> None:
        while not self._closed:
            await self._wake.wait()
            self._wake.clear()
            wait = self._next_at - self._clock()
            if wait > 0:
                await self._sleep(wait)
            text = self._pending
            if self._closed or text is None or text == self._sent:
                continue
            if not await self._send(text):
                return

    async def _send(self, text: str) -> bool:
        """One draft; False when drafting stops for this job."""
        self._idle.clear()
        try:
            await self._bot.send_message_draft(
                chat_id=self._chat_id,
                draft_id=self._draft_id,
                text=text,
                parse_mode=ParseMode.HTML,
                request_timeout=DRAFT_REQUEST_TIMEOUT,
            )
        except TelegramRetryAfter as error:
            if self._waited_out:
                logger.warning(
                    "Workout drafts for chat %s stopped: Telegram asked to wait again (%s s)",
                    self._chat_id,
                    error.retry_after,
                )
                self._stopped = True
                return False
            self._waited_out = True
            logger.info(
                "Workout draft for chat %s: Telegram asked to wait %s s; the newest draft "
                "goes after that",
                self._chat_id,
                error.retry_after,
            )
            self._next_at = self._clock() + float(error.retry_after)
            self._wake.set()
            return True
        except (TelegramBadRequest, TelegramNotFound) as error:
            self.refusal = str(error)
            self._stopped = True
            return False
        except TelegramAPIError as error:
            logger.warning(
                "Workout drafts for chat %s stopped: Telegram refused one: %s",
                self._chat_id,
                error,
            )
            self._stopped = True
            return False
        except Exception as error:  # network: the draft may or may not have arrived
            logger.warning(
                "Workout drafts for chat %s stopped: %s", self._chat_id, type(error).__name__
            )
            self._stopped = True
            return False
        finally:
            self._idle.set()
        self._sent = text
        self.updates += 1
        now = self._clock()
        self.sent_at.append(now)
        self._next_at = now + self._interval
        return True
