"""The dialogs' one typed dependency: `BotServices`, bound to the update being handled.

The database-session middleware opens the update's session and puts one `BotServices`
into the update's data under `SERVICES_KEY`. Getters receive it as a keyword argument
(`services: BotServices`, aiogram-dialog passes middleware data as kwargs); handlers get
it with `services_of(manager)`, the only code that reads the key. Dialogs therefore never
see a session, an ORM row or a string key: they call methods with Telegram ids and plain
values and get frozen views back (trainer_bot/services/views.py).

Reads shared within one update are kept by the per-update objects (`Users`, `Workouts`):
the window a handler opens renders from what the handler read, without a second query.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram_dialog import BaseDialogManager, BgManagerFactory, DialogManager
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.services.progress import Progress
from trainer_bot.services.rebuilds import (
    RebuildRequest,
    RebuildStatus,
    rebuild_status,
    request_rebuild,
)
from trainer_bot.services.reminder_sender import ReminderSender
from trainer_bot.services.reminders import Reminders
from trainer_bot.services.rest_timers import RestTimers
from trainer_bot.services.results import Results
from trainer_bot.services.swaps import Swaps
from trainer_bot.services.users import Users
from trainer_bot.services.views import WorkoutView
from trainer_bot.services.welcome import WelcomeVideoNote
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import (
    CompletionResult,
    JobTicket,
    WorkoutRequest,
    WorkoutService,
)
from trainer_bot.time_zones import UserZone

# The update data key of the update's BotServices; also the getters' keyword argument.
SERVICES_KEY = "services"

AfterUpdate = list[Callable[[], None]]
# An `async_sessionmaker` (its sessions connect lazily, at their first query).
SessionFactory = Callable[[], AsyncSession]


class Workouts:
    """Workouts within one update: the 12-hour rule, the views, completion."""

    __slots__ = ("_jobs", "_loaded", "_service", "_session", "_users")

    def __init__(
        self, service: WorkoutService, jobs: WorkoutJobRunner, session: AsyncSession, users: Users
    ) -> None:
        self._service = service
        self._jobs = jobs
        self._session = session
        self._users = users
        self._loaded: dict[tuple[int, int], WorkoutView | None] = {}

    async def request(self, telegram_id: int, chat_id: int | None = None) -> WorkoutRequest:
        """Claim the next workout (a job to `start_job`), or say why not."""
        self._users.forget(telegram_id)  # the request reads and may change the user's row
        return await self._service.request(self._session, telegram_id, chat_id)

    def start_job(self, bot: Bot, job: JobTicket) -> None:
        """Run a job this process owns in the background, past the update: generate,
        save, show (shutdown waits for it, bounded; a sweeper finishes it otherwise)."""
        self._jobs.start(bot, job)

    async def rebuild(self, telegram_id: int, chat_id: int, workout_id: int) -> RebuildRequest:
        """«🔁 Собрать заново»: claim a rebuild of the planned workout (a job to
        `start_job`), or say why not."""
        self._users.forget(telegram_id)
        self._loaded.pop((telegram_id, workout_id), None)
        request = await request_rebuild(
            self._service, self._session, telegram_id, chat_id, workout_id
        )
        if request.status is not None:  # the screen names the zone: no second read
            self._users.note_timezone(telegram_id, request.status.timezone)
        return request

    async def rebuild_status(self, telegram_id: int, workout_id: int) -> RebuildStatus | None:
        """Whether the workout may be rebuilt: how many rebuilds are left in this cooldown
        period and until when, or why not."""
        status = await rebuild_status(self._service, self._session, telegram_id, workout_id)
        if status is not None:  # the screen names the zone: no second read
            self._users.note_timezone(telegram_id, status.timezone)
        return status

    async def view(self, telegram_id: int, workout_id: int) -> WorkoutView | None:
        """The user's workout (None if it is not theirs), read once per update."""
        key = (telegram_id, workout_id)
        if key in self._loaded:
            return self._loaded[key]
        workout = self._loaded[key] = await self._service.workout(
            self._session, telegram_id, workout_id
        )
        return workout

    def remember(self, telegram_id: int, view: WorkoutView) -> None:
        """Keep `view` as this update's read of the workout (after a write changed it)."""
        self._loaded[(telegram_id, view.id)] = view

    def forget(self, telegram_id: int, workout_id: int) -> None:
        """The next `view` reads the workout again."""
        self._loaded.pop((telegram_id, workout_id), None)

    async def latest_id(self, telegram_id: int) -> int | None:
        """The user's newest workout, whatever its status."""
        return await self._service.latest_id(self._session, telegram_id)

    async def planned_id(self, telegram_id: int) -> int | None:
        """The user's newest workout while it is still planned."""
        profile = self._users.saved(telegram_id)
        if profile is not None and not profile.has_received_workout:
            # Just registered (or edited before any workout): a workout is saved together
            # with last_workout_at, so the profile this update saved has none to show.
            return None
        return await self._service.planned_workout_id(self._session, telegram_id)

    async def complete(self, telegram_id: int, workout_id: int) -> CompletionResult:
        self._loaded.pop((telegram_id, workout_id), None)
        result = await self._service.complete(self._session, telegram_id, workout_id)
        self._users.note_timezone(telegram_id, result.timezone)  # the done screen's zone
        return result


class Welcome:
    """The welcome video note, sent within one update."""

    __slots__ = ("_bot", "_note", "_session")

    def __init__(self, note: WelcomeVideoNote, bot: Bot, session: AsyncSession) -> None:
        self._note = note
        self._bot = bot
        self._session = session

    async def send_once(self, telegram_id: int, chat_id: int) -> bool:
        """Once per Telegram user: False (nothing sent) when they already got it."""
        return await self._note.send_once(self._bot, telegram_id, chat_id, self._session)


class BotServices:
    """Everything a screen may use while one update is handled."""

    __slots__ = (
        "_after_update",
        "_app",
        "bot",
        "progress",
        "reminders",
        "results",
        "swaps",
        "users",
        "welcome",
        "workouts",
    )

    def __init__(
        self,
        app: AppServices,
        session: AsyncSession,
        bot: Bot,
        after_update: AfterUpdate | None = None,
    ) -> None:
        self._app = app
        self._after_update = after_update
        self.bot = bot  # the Bot the update came through
        self.users = Users(session)
        self.workouts = Workouts(app.workouts, app.jobs, session, self.users)
        self.results = Results(session, self.workouts, app.workouts.now)
        self.swaps = Swaps(app.workouts, session, self.workouts)
        self.reminders = Reminders(
            session,
            app.workouts.now,
            app.workouts.settings.timezone,
            timedelta(hours=app.workouts.settings.workout_cooldown_hours),
            self.users,
        )
        self.progress = Progress(session, app.workouts.now, app.workouts.timezone, self.users)
        self.welcome = Welcome(app.welcome, bot, session)

    @property
    def timezone(self) -> ZoneInfo:
        return self._app.workouts.timezone

    def now(self) -> datetime:
        return self._app.workouts.now()

    async def zone(self, telegram_id: int) -> UserZone:
        """The user's own time zone (the TIMEZONE setting until they choose one)."""
        return await self.reminders.zone(telegram_id)

    def default_zone(self) -> UserZone:
        """The TIMEZONE setting's zone (no read)."""
        return self.reminders.default_zone()

    @property
    def rest_timers(self) -> RestTimers:
        return self._app.rest_timers

    def after_update(self, callback: Callable[[], None]) -> None:
        """Run `callback` when this update is done: its dialog state saved and its session
        closed, whether it succeeded or failed. Outside an update: at once.

        Background work an update starts (a workout generation) begins after the update, so
        its CPU time never delays the answer to the user's click.
        """
        if self._after_update is None:
            callback()
        else:
            self._after_update.append(callback)


class AppServices:
    """The application-lifetime half: what every update's `BotServices` is bound to."""

    def __init__(
        self,
        session_factory: SessionFactory,
        workouts: WorkoutService,
        welcome: WelcomeVideoNote | None = None,
        jobs: WorkoutJobRunner | None = None,
        reminders: ReminderSender | None = None,
        rest_timers: RestTimers | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.workouts = workouts
        self.jobs = jobs or WorkoutJobRunner(workouts)
        settings = workouts.settings
        self.reminders = reminders or ReminderSender(
            session_factory,
            default_timezone=settings.timezone,
            cooldown=timedelta(hours=settings.workout_cooldown_hours),
            clock=workouts.now,
            sweep_seconds=settings.reminder_sweep_seconds,
        )
        self.rest_timers = rest_timers or RestTimers()
        # One per Dispatcher: it keeps the video note's file_id once read.
        self.welcome = welcome or WelcomeVideoNote()
        self._bg_factory: BgManagerFactory | None = None

    def attach_dialogs(self, bg_factory: BgManagerFactory) -> None:
        """The factory `setup_dialogs` returns (it exists only once dialogs are set up)."""
        self._bg_factory = bg_factory

    def background(
        self, bot: Bot, telegram_id: int, chat_id: int, stack_id: str | None = None
    ) -> BaseDialogManager:
        """A dialog manager for a user's chat outside any update (None: the default stack)."""
        if self._bg_factory is None:
            raise RuntimeError("dialogs are not set up: call attach_dialogs first")
        return self._bg_factory.bg(bot=bot, user_id=telegram_id, chat_id=chat_id, stack_id=stack_id)

    def for_update(
        self, session: AsyncSession, bot: Bot, after_update: AfterUpdate | None = None
    ) -> BotServices:
        return BotServices(self, session, bot, after_update)


def services_of(manager: DialogManager) -> BotServices:
    """The update's services, for handlers (getters take `services: BotServices`)."""
    services = manager.middleware_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    return services
