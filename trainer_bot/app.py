"""Application assembly: Settings -> engine, Redis, state backend, services, Dispatcher, Bot.

`build_application` builds it all and `Application.close()` closes it; the runners
(trainer_bot/runners/) serve it by long polling or as a webhook, and `__main__` chooses.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram_dialog import setup_dialogs
from aiogram_dialog.api.entities import DIALOG_EVENT_NAME
from aiogram_dialog.api.protocols import MessageManagerProtocol
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogs.callback_guard import UnknownButtonGuard
from dialogs.errors import register_error_handlers
from dialogs.reminders.keys import PROMPT_OFF, PROMPT_OPEN
from dialogs.reminders.prompt import compose_reminder
from dialogs.setup import build_router
from dialogs.workout.delivery import WorkoutScreens
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import pending_migrations
from trainer_bot.dialog_ids import install_collision_free_intent_ids
from trainer_bot.event_isolation import InProcessEventIsolation
from trainer_bot.llm import ChatCompletionsClient, LLMWorkoutGenerator
from trainer_bot.middlewares.db_session import DbSessionMiddleware
from trainer_bot.middlewares.in_flight import InFlightUpdates
from trainer_bot.middlewares.throttling import setup_throttling
from trainer_bot.services.bot_services import AppServices
from trainer_bot.services.catalogue_sync import sync_catalogue_file
from trainer_bot.services.reminder_sender import ReminderSender
from trainer_bot.services.rest_timers import RestTimers
from trainer_bot.services.send_pacer import LocalPacer, RedisPacer, SendPacer
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import WorkoutService
from trainer_bot.telegram_retry import TelegramRetryMiddleware

logger = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """A problem that stops the bot at start-up with one readable line."""


def create_bot(settings: Settings, *, retry_flood: bool = True) -> Bot:
    """`retry_flood`: wait out 429s per call (updates); the reminder sender's own Bot
    leaves them to its pacer, which pauses every sender at once."""
    session = None
    if settings.telegram_api_url is not None:
        api = TelegramAPIServer.from_base(str(settings.telegram_api_url).rstrip("/"))
        session = AiohttpSession(api=api)
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    # Flood control (429 retry_after) is waited out briefly instead of failing the update.
    if retry_flood:
        bot.session.middleware(TelegramRetryMiddleware())
    return bot


@dataclass
class StateBackend:
    storage: BaseStorage
    events_isolation: BaseEventIsolation
    redis: Redis | None = None


def create_state_backend(
    redis: Redis | None, *, shared_locks: bool, key_prefix: str = "fsm"
) -> StateBackend:
    """Dialog state storage and the per-user lock that keeps one user's updates in order.

    `shared_locks`: whether several processes may receive updates of the same user at once.
    In webhook mode with several replicas they do, and the lock must live in Redis
    (`RedisEventIsolation`: a SET NX and a release script, twice per update, once for
    aiogram's FSM and once for aiogram-dialog). In long-polling mode one process receives
    every update (Telegram answers a second getUpdates with 409 Conflict), so an in-process
    lock is as correct and costs no Redis round trip; the state itself stays in Redis.
    (`InProcessEventIsolation`, not aiogram's `SimpleEventIsolation`, which never forgets
    a lock: see trainer_bot/event_isolation.py.)
    """
    if redis is None:
        return StateBackend(MemoryStorage(), InProcessEventIsolation())
    # aiogram-dialog keys carry a destiny (stack/context); without it the first update fails.
    key_builder = DefaultKeyBuilder(prefix=key_prefix, with_destiny=True)
    isolation: BaseEventIsolation = (
        RedisEventIsolation(redis, key_builder=key_builder)
        if shared_locks
        else InProcessEventIsolation()
    )
    return StateBackend(RedisStorage(redis, key_builder=key_builder), isolation, redis)


def create_dispatcher(
    *,
    session_factory: async_sessionmaker[AsyncSession],
    state: StateBackend,
    workout_service: WorkoutService,
    settings: Settings | None = None,
    message_manager: MessageManagerProtocol | None = None,
    in_flight: InFlightUpdates | None = None,
    jobs: WorkoutJobRunner | None = None,
    reminders: ReminderSender | None = None,
    rest_timers: RestTimers | None = None,
    **workflow_data: Any,
) -> Dispatcher:
    """The Dispatcher with every router, middleware and dialog.

    `in_flight`: registered first on updates, so a runner can let the updates in progress
    finish on shutdown. `jobs`: the runner of workout jobs (its sweeper is started by
    whoever serves the dispatcher); one is made when not given. `reminders`: the sender
    of due reminders (started the same way), `rest_timers`: «⏱ Отдых»; made when not given.
    """
    install_collision_free_intent_ids()
    dp = Dispatcher(storage=state.storage, events_isolation=state.events_isolation)
    dp.workflow_data.update(workflow_data)
    if settings is not None:
        dp["settings"] = settings
    if in_flight is not None:
        dp.update.outer_middleware(in_flight)
    services = AppServices(
        session_factory, workout_service, jobs=jobs, reminders=reminders, rest_timers=rest_timers
    )
    db_middleware = DbSessionMiddleware(services)
    dp.update.outer_middleware(db_middleware)
    dp.errors.outer_middleware(db_middleware)
    register_error_handlers(dp)
    router = build_router()
    dp.include_router(router)
    # Before setup_dialogs: refused presses never load dialog state from storage.
    dp.callback_query.outer_middleware(
        UnknownButtonGuard.for_router(router, plain=(PROMPT_OPEN, PROMPT_OFF))
    )
    services.attach_dialogs(
        setup_dialogs(dp, message_manager=message_manager, events_isolation=state.events_isolation)
    )
    services.jobs.attach_screens(WorkoutScreens(services))
    services.reminders.attach_composer(compose_reminder)
    # Background dialog updates skip dp.update middlewares: give them their services too.
    dp.observers[DIALOG_EVENT_NAME].outer_middleware(db_middleware)
    return dp


def create_workout_service(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> tuple[WorkoutService, ChatCompletionsClient | None]:
    catalogue = default_catalogue()
    if settings.proxy_api_key is None:
        logger.warning("PROXY_API_KEY is not set: workouts come from the rule-based generator")
        return WorkoutService(
            settings=settings, session_factory=session_factory, catalogue=catalogue
        ), None
    client = ChatCompletionsClient(settings)
    llm = LLMWorkoutGenerator(settings, client, catalogue)
    service = WorkoutService(
        settings=settings, session_factory=session_factory, catalogue=catalogue, llm=llm
    )
    return service, client


@dataclass
class Application:
    settings: Settings
    engine: AsyncEngine
    bot: Bot
    dispatcher: Dispatcher
    state: StateBackend
    workout_service: WorkoutService
    in_flight: InFlightUpdates
    jobs: WorkoutJobRunner
    llm_client: ChatCompletionsClient | None = None
    reminders: ReminderSender | None = None
    rest_timers: RestTimers | None = None
    reminder_bot: Bot | None = None  # the sender's own Bot: 429s go to its pacer

    def start_background(self) -> None:
        """The workout-job sweeper: a pass now (jobs a killed run left), then every few s;
        the reminder sender: a pass now (reminders due while the bot was down), then every
        REMINDER_SWEEP_SECONDS."""
        self.jobs.start_sweeper(self.bot)
        if self.reminders is not None:
            self.reminders.start(self.reminder_bot or self.bot)

    async def close(self) -> None:
        if self.reminders is not None:
            await self.reminders.stop()  # the reminder being sent finishes first
        if self.rest_timers is not None:
            await self.rest_timers.close()
        await self.jobs.stop_sweeper()
        await self.workout_service.aclose()
        if self.llm_client is not None:
            await self.llm_client.aclose()
        await self.bot.session.close()
        if self.reminder_bot is not None:
            await self.reminder_bot.session.close()
        if self.state.redis is not None:
            await self.state.redis.aclose()
        await self.dispatcher.storage.close()
        await self.engine.dispose()


async def prepare_database(engine: AsyncEngine) -> None:
    if await pending_migrations(engine):
        raise StartupError("The database schema is not up to date: run `make migrate` first")
    await sync_catalogue_file(engine)


async def build_application(settings: Settings) -> Application:
    engine = create_engine(settings.database_url)
    try:
        await prepare_database(engine)
    except StartupError:
        await engine.dispose()
        raise
    except Exception as error:
        await engine.dispose()
        raise StartupError(f"Cannot use the database: {type(error).__name__}: {error}") from None
    redis = None
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
        try:
            await redis.ping()
        except Exception as error:
            await redis.aclose()
            await engine.dispose()
            raise StartupError(f"Cannot reach Redis at REDIS_URL: {error}") from None
    else:
        logger.warning("REDIS_URL is not set: dialog state lives in memory and is lost on restart")
    # Webhook replicas share users, so they share the per-user locks and rate limits
    # through Redis; a polling bot is the only receiver of its updates (see
    # create_state_backend) and keeps both in the process, a Redis round trip less each.
    shared = settings.bot_mode == "webhook"
    state = create_state_backend(redis, shared_locks=shared)
    session_factory = create_session_factory(engine)
    workout_service, llm_client = create_workout_service(settings, session_factory)
    in_flight = InFlightUpdates()
    jobs = WorkoutJobRunner(workout_service)
    # Replicas share one send rate through Redis; one process paces itself.
    rate = settings.reminder_rate_per_second
    pacer: SendPacer = RedisPacer(redis, rate) if redis is not None else LocalPacer(rate)
    reminders = ReminderSender(
        session_factory,
        default_timezone=settings.timezone,
        cooldown=timedelta(hours=settings.workout_cooldown_hours),
        clock=workout_service.now,
        sweep_seconds=settings.reminder_sweep_seconds,
        pacer=pacer,
    )
    rest_timers = RestTimers()
    dispatcher = create_dispatcher(
        session_factory=session_factory,
        state=state,
        settings=settings,
        workout_service=workout_service,
        in_flight=in_flight,
        jobs=jobs,
        reminders=reminders,
        rest_timers=rest_timers,
    )
    # Here, not in create_dispatcher: tests drive dispatchers with scripted users that
    # press buttons faster than any human, and only the running bot needs the limit.
    setup_throttling(
        dispatcher,
        redis if shared else None,
        burst=settings.throttle_burst,
        rate=settings.throttle_rate,
    )
    return Application(
        settings,
        engine,
        create_bot(settings),
        dispatcher,
        state,
        workout_service,
        in_flight,
        jobs,
        llm_client,
        reminders,
        rest_timers,
        create_bot(settings, retry_flood=False),
    )


def freeze_startup() -> None:
    """Move what imports and start-up built out of the collector's view.

    aiogram's models, the Dispatcher, the dialogs and the pools live as long as the
    process: ~270k objects that every full collection would walk again (~150 ms each; a
    few ms once frozen, see docs/benchmarks.md). The bot's one `gc.freeze()`: called after
    start-up is built, before serving.
    """
    gc.collect()
    gc.freeze()


async def run_application(
    settings: Settings, serve: Callable[[Application], Awaitable[None]]
) -> None:
    """Build the application, serve it the way `serve` does, and always close it."""
    app = await build_application(settings)
    try:
        freeze_startup()
        app.start_background()
        await serve(app)
    finally:
        await app.close()  # workout generations get their own grace period here
        logger.info("Stopped")
