"""Running workout jobs to the end, whatever fails: heartbeats, showing, the sweeper.

A workout request is a row of workout_jobs (RUNNING -> SAVED -> DONE, or FAILED), owned
by the process that took it. That process runs it at once and heartbeats every few
seconds. Every process runs a sweeper (a pass at start-up, then every few seconds) that
takes over active jobs whose heartbeat went stale (`SELECT ... FOR UPDATE SKIP LOCKED`,
then a conditional UPDATE) and finishes them: a RUNNING job is generated again, a SAVED
one is shown. The save and the SAVED state commit together and only by the current owner
(`WorkoutService.generate_and_save`), so however many processes touch a job, one workout
is saved; the worst a takeover race costs is the same workout shown twice.

Failures and what the user sees:
- the database or Redis unavailable while generating or showing: the job is left as it
  is, its heartbeat stops, and a sweeper finishes it once the service is back;
- anything else (a bug, a catalogue mismatch), or too many attempts: the job FAILS, the
  reservation is released (a rebuild's claim given back) and the user gets the
  «Не получилось…» notice with the menu.

While the LLM writes (a first attempt, `LLM_STREAM` on, a private chat) the workout grows
in a Telegram draft (`workout_draft.DraftPresenter`); the drafts stop before the result
is shown, and the result is then sent as a new message, which replaces the draft.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.utils.chat_action import ChatActionSender
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from trainer_bot.db.enums import WorkoutJobState
from trainer_bot.llm.drafting import DraftPlan
from trainer_bot.queries import rebuilds as rebuild_queries
from trainer_bot.queries import workout_jobs as job_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.workout_draft import DRAFT_INTERVAL_SECONDS, DraftPresenter
from trainer_bot.services.workouts import JobLostError, JobTicket, WorkoutService

logger = logging.getLogger(__name__)

# Generation is tried this many times before the job fails for good (a poison job).
MAX_ATTEMPTS = 5
# Showing a saved workout is retried longer: it fails only while Redis or Telegram is
# down, and each takeover waits for the heartbeat to go stale (about half an hour).
MAX_SHOW_ATTEMPTS = 120
# Pauses between tries to show a result within one run (then the sweeper tries again).
SHOW_RETRY_DELAYS = (0.0, 1.0, 2.0, 4.0)
SWEEP_BATCH = 20
# A draft this recent shows the coach at work: the slow notice is not needed.
DRAFT_SHOWS_PROGRESS_SECONDS = 5.0
# Failures a later attempt can get past: the job is left for the sweeper.
TEMPORARY_ERRORS = (
    OperationalError,
    InterfaceError,
    DBAPIError,
    RedisError,
    OSError,
    TimeoutError,
)


class JobScreens(Protocol):
    """How a job's progress reaches the user (dialogs/workout/delivery.py)."""

    async def show_result(
        self, bot: Bot, job: JobTicket, workout_id: int | None, *, replace_draft: bool = False
    ) -> None:
        """The workout (or, with None, the failure notice); raises when not shown.
        `replace_draft`: a draft may be on screen, the result must replace it."""

    async def show_still_working(self, bot: Bot, job: JobTicket) -> None:
        """The composing screen, if still open, says the coach needs longer."""

    def render_draft(self, draft: DraftPlan) -> str:
        """The text of a workout draft."""


class WorkoutJobRunner:
    def __init__(self, service: WorkoutService) -> None:
        settings = service.settings
        self._service = service
        self._session_factory = service.session_factory
        self.heartbeat_seconds = settings.workout_job_heartbeat_seconds
        self.sweep_seconds = settings.workout_job_sweep_seconds
        self.slow_notice_seconds = settings.workout_slow_notice_seconds
        self._screens: JobScreens | None = None
        self._sweeper: asyncio.Task[None] | None = None
        # Telegram refused a draft (drafts not available to this bot): none from now on.
        self.drafts_off = False

    @property
    def owner(self) -> str:
        return self._service.owner

    def attach_screens(self, screens: JobScreens) -> None:
        self._screens = screens

    @property
    def screens(self) -> JobScreens:
        if self._screens is None:
            raise RuntimeError("no screens attached: create_dispatcher attaches them")
        return self._screens

    def start(self, bot: Bot, job: JobTicket) -> None:
        """Run the job in the background (shutdown waits for it, bounded)."""
        self._service.spawn(self.run(bot, job), name=f"workout-for-{job.telegram_id}")

    async def run(self, bot: Bot, job: JobTicket) -> None:
        beat = asyncio.create_task(self._heartbeat(job), name=f"heartbeat-{job.job_id}")
        try:
            limit = MAX_SHOW_ATTEMPTS if job.state is WorkoutJobState.SAVED else MAX_ATTEMPTS
            if job.attempt > limit:
                await self._give_up(bot, job)
                return
            workout_id = job.workout_id
            drafts: DraftPresenter | None = None
            if job.state is WorkoutJobState.RUNNING:
                drafts = self._drafts_for(bot, job)
                workout_id = await self._generate(bot, job, drafts)
            if workout_id is not None:
                # Drafted (or maybe: a dead owner's): sent as a new message, which replaces
                # a draft; an edit would leave it on screen.
                drafted = drafts is not None or self._left_draft(job)
                await self._show(bot, job, workout_id, replace_draft=drafted)
        finally:
            beat.cancel()

    def _left_draft(self, job: JobTicket) -> bool:
        """A job taken over from a dead owner: its drafts may still be on screen (Telegram
        keeps one about 30 s), and only a sent message replaces them."""
        return job.attempt > 1 and self._may_draft(job)

    def _may_draft(self, job: JobTicket) -> bool:
        """Drafts exist only in private chats (where the chat is the user)."""
        return (
            self._service.settings.llm_stream
            and not self.drafts_off
            and self._service.writes_with_llm
            and job.chat_id == job.telegram_id
        )

    def _drafts_for(self, bot: Bot, job: JobTicket) -> DraftPresenter | None:
        """A draft presenter when the LLM will write this workout (a first attempt)."""
        if job.attempt != 1 or not self._may_draft(job):
            return None
        return DraftPresenter(
            bot,
            job.chat_id,
            job.job_id,
            self.screens.render_draft,
            interval=DRAFT_INTERVAL_SECONDS,  # (read here: a test may shorten it)
        )

    async def _generate(
        self, bot: Bot, job: JobTicket, drafts: DraftPresenter | None = None
    ) -> int | None:
        """The saved workout's id; None when there is nothing (more) to show now."""
        notice = asyncio.create_task(self._still_working_later(bot, job, drafts))
        try:
            try:
                async with ChatActionSender.typing(bot=bot, chat_id=job.chat_id):
                    return await self._service.generate_and_save(job, drafts)
            finally:
                if drafts is not None:
                    await drafts.close()  # before any result: no draft lands after it
                    self._note_refusal(drafts)
        except JobLostError:
            logger.info("Workout job %s of user %s was taken over", job.job_id, job.telegram_id)
        except TEMPORARY_ERRORS as error:
            logger.error(
                "Workout job %s of user %s: service unavailable, a sweeper retries: %r",
                job.job_id,
                job.telegram_id,
                error,
            )
        except Exception:
            logger.exception("Workout job %s of user %s failed", job.job_id, job.telegram_id)
            await self._fail(bot, job, replace_draft=drafts is not None or self._left_draft(job))
        finally:
            if not notice.done():
                notice.cancel()
        return None

    def _note_refusal(self, drafts: DraftPresenter) -> None:
        if drafts.refusal is not None and not self.drafts_off:
            self.drafts_off = True
            logger.warning(
                "Workout drafts off for this process: Telegram refused sendMessageDraft: %s",
                drafts.refusal,
            )

    async def _still_working_later(
        self, bot: Bot, job: JobTicket, drafts: DraftPresenter | None = None
    ) -> None:
        await asyncio.sleep(self.slow_notice_seconds)
        if drafts is not None and drafts.shown_recently(DRAFT_SHOWS_PROGRESS_SECONDS):
            return  # the workout grows in the draft: no need to say the coach is slow
        # From here on never cancelled: a dialog update cut half-way keeps the user's lock.
        shown = asyncio.ensure_future(self.screens.show_still_working(bot, job))
        try:
            await asyncio.shield(shown)
        except asyncio.CancelledError:
            pass
        except Exception as error:
            logger.warning(
                "Could not update user %s's composing screen: %r", job.telegram_id, error
            )

    async def _show(
        self, bot: Bot, job: JobTicket, workout_id: int | None, *, replace_draft: bool = False
    ) -> bool:
        """Show the result, retrying a little; True once shown (or never showable)."""
        for delay in SHOW_RETRY_DELAYS:
            await asyncio.sleep(delay)
            try:
                await self.screens.show_result(bot, job, workout_id, replace_draft=replace_draft)
            except (TelegramForbiddenError, TelegramBadRequest) as error:
                # Blocked, or the chat is gone: no retry will change it.
                logger.warning("Cannot show user %s the workout job: %s", job.telegram_id, error)
                break
            except Exception as error:
                logger.warning(
                    "Could not show workout job %s to user %s: %r",
                    job.job_id,
                    job.telegram_id,
                    error,
                )
                continue
            break
        else:
            if workout_id is None:
                logger.error("Could not tell user %s that the workout failed", job.telegram_id)
            else:
                logger.error(
                    "Workout job %s of user %s is saved but not shown; a sweeper retries",
                    job.job_id,
                    job.telegram_id,
                )
            return False
        if workout_id is not None:
            await self._finish(job, WorkoutJobState.DONE, WorkoutJobState.SAVED)
        return True

    async def _finish(
        self, job: JobTicket, state: WorkoutJobState, from_state: WorkoutJobState
    ) -> bool:
        try:
            async with self._session_factory() as session:
                finished = await job_queries.finish(
                    session, job.job_id, owner=self.owner, state=state, from_state=from_state.value
                )
                if finished and state is WorkoutJobState.FAILED:
                    await workout_queries.release_generation(session, job.user_id)
                    if job.rebuild:
                        await rebuild_queries.refund_rebuild(session, job.user_id)
                await session.commit()
                return finished
        except Exception as error:
            logger.error(
                "Could not mark workout job %s of user %s %s: %r",
                job.job_id,
                job.telegram_id,
                state.value,
                error,
            )
            return False

    async def _fail(self, bot: Bot, job: JobTicket, *, replace_draft: bool = False) -> None:
        """FAILED, the reservation released, and the user told (if the database agrees:
        otherwise the job stays RUNNING and a sweeper tries again later)."""
        if await self._finish(job, WorkoutJobState.FAILED, WorkoutJobState.RUNNING):
            await self._show(bot, job, None, replace_draft=replace_draft)

    async def _give_up(self, bot: Bot, job: JobTicket) -> None:
        logger.error(
            "Workout job %s of user %s: giving up after %d attempts",
            job.job_id,
            job.telegram_id,
            job.attempt - 1,
        )
        if job.state is WorkoutJobState.SAVED:
            # The workout is saved and waits in «📋 Моя тренировка».
            await self._finish(job, WorkoutJobState.DONE, WorkoutJobState.SAVED)
        else:
            await self._fail(bot, job)

    async def _heartbeat(self, job: JobTicket) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                async with self._session_factory() as session:
                    alive = await job_queries.heartbeat(
                        session, job.job_id, owner=self.owner, now=self._service.wall_clock()
                    )
                    await session.commit()
            except Exception as error:
                logger.warning(
                    "Heartbeat of workout job %s (user %s) failed: %r",
                    job.job_id,
                    job.telegram_id,
                    error,
                )
                continue
            if not alive:
                return  # finished, or another process has taken it over

    # --- the sweeper ---------------------------------------------------------------------

    async def claim_stale(self) -> list[JobTicket]:
        """Take over every active job whose owner stopped heartbeating."""
        now = self._service.wall_clock()
        stale_before = now - self._service.stale_after
        async with self._session_factory() as session:
            ids = await job_queries.lock_stale(
                session, stale_before=stale_before, limit=SWEEP_BATCH
            )
            claimed = [
                job_id
                for job_id in ids
                if await job_queries.claim(
                    session, job_id, owner=self.owner, now=now, stale_before=stale_before
                )
            ]
            await session.commit()
            tickets = []
            for job_id in claimed:
                row = await job_queries.get(session, job_id)
                telegram_id = (
                    await job_queries.telegram_id_of(session, row.user_id) if row else None
                )
                if row is None or telegram_id is None:
                    continue
                tickets.append(
                    JobTicket(
                        row.id,
                        row.user_id,
                        telegram_id,
                        row.chat_id,
                        attempt=row.attempts,
                        state=WorkoutJobState(row.state),
                        workout_id=row.workout_id,
                        rebuild=row.rebuild,
                    )
                )
            return tickets

    async def sweep_once(self, bot: Bot) -> int:
        """Claim and start the orphaned jobs; how many were found."""
        tickets = await self.claim_stale()
        for job in tickets:
            logger.warning(
                "Taking over workout job %s of user %s (%s, attempt %d)",
                job.job_id,
                job.telegram_id,
                job.state.value,
                job.attempt,
            )
            self.start(bot, job)
        return len(tickets)

    async def _sweep_forever(self, bot: Bot) -> None:
        while True:
            try:
                await self.sweep_once(bot)
            except Exception as error:
                logger.warning("Workout job sweep failed: %r", error)
            await asyncio.sleep(self.sweep_seconds)

    def start_sweeper(self, bot: Bot) -> None:
        """The first pass runs at once (jobs a previous run left behind)."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever(bot), name="workout-sweeper")

    async def stop_sweeper(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
