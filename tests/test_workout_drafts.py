"""Workout drafts in the chat: at most one a second, a 429 waited out once and never
looped, a refusal ends them, none after the result; through the real Dispatcher the
drafts reach Telegram and the workout follows as a message."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import SendMessageDraft, TelegramMethod
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.workout.draft_text import REBUILDING, draft_text
from tests.fakes.recording_bot import RecordingBot
from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import build_harness
from tests.support.registration import fill_until
from trainer_bot.app import create_state_backend
from trainer_bot.llm.drafting import DraftExercise, DraftPlan
from trainer_bot.services import workout_jobs
from trainer_bot.services.workout_draft import DraftPresenter
from trainer_bot.services.workouts import JobTicket

CHAT = 7001
SQUAT = DraftExercise("Приседания со штангой", 3, 8, 10, 40.0, 120, False)
PLANK = DraftExercise("Планка", 3, 30, 45, None, 60, True)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class DraftBot:
    """Answers sendMessageDraft; `failures[i]` (when not None) is raised by the i-th call."""

    def __init__(self, time: FakeTime, failures: list[Exception | None] | None = None) -> None:
        self.time = time
        self.failures = failures or []
        self.calls: list[tuple[float, str]] = []
        self.release: asyncio.Event | None = None  # set: calls wait for it

    async def send_message_draft(self, **params: Any) -> bool:
        assert params["chat_id"] == CHAT and params["draft_id"] == 99
        self.calls.append((self.time.now, params["text"]))
        if self.release is not None:
            await self.release.wait()
        failure = (
            self.failures[len(self.calls) - 1] if len(self.calls) <= len(self.failures) else None
        )
        if failure is not None:
            raise failure
        return True


def retry_after(seconds: int) -> TelegramRetryAfter:
    method = SendMessageDraft(chat_id=CHAT, draft_id=99)
    return TelegramRetryAfter(method, f"Too Many Requests: retry after {seconds}", seconds)


def presenter(bot: DraftBot) -> DraftPresenter:
    return DraftPresenter(
        bot,  # type: ignore[arg-type]
        CHAT,
        99,
        lambda draft: draft.title or "",
        interval=1.0,
        clock=bot.time.clock,
        sleep=bot.time.sleep,
    )


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def draft(title: str) -> DraftPlan:
    return DraftPlan(title=title)


async def test_drafts_are_coalesced_to_one_a_second() -> None:
    bot = DraftBot(FakeTime())
    drafts = presenter(bot)
    drafts.update(draft("a"))
    await settle()
    for title in ("b", "c", "d"):  # faster than a second: only the newest goes
        drafts.update(draft(title))
    await settle()
    drafts.update(draft("d"))  # nothing new: nothing sent
    await settle()
    drafts.update(draft("e"))
    await settle()
    await drafts.close()
    assert bot.calls == [(0.0, "a"), (1.0, "d"), (2.0, "e")]
    assert drafts.updates == 3


async def test_a_429_is_waited_out_once_then_drafts_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    bot = DraftBot(FakeTime(), [None, retry_after(3), None, None, retry_after(3)])
    drafts = presenter(bot)
    drafts.update(draft("a"))
    await settle()
    drafts.update(draft("b"))
    await settle()  # 429 at t=1: waited out (3 s), then the newest draft, once
    assert bot.calls == [(0.0, "a"), (1.0, "b"), (4.0, "b")]
    drafts.update(draft("c"))
    await settle()
    drafts.update(draft("d"))
    await settle()  # a second 429: no more drafts for this job, no retry
    drafts.update(draft("e"))
    await settle()
    await drafts.close()
    assert bot.calls == [(0.0, "a"), (1.0, "b"), (4.0, "b"), (5.0, "c"), (6.0, "d")]
    lines = [r.getMessage() for r in caplog.records if "draft" in r.getMessage().lower()]
    assert len(lines) == 2 and "stopped" in lines[1]


async def test_a_refused_draft_stops_the_drafts() -> None:
    method = SendMessageDraft(chat_id=CHAT, draft_id=99)
    refused = TelegramBadRequest(method, "Bad Request: TEXTDRAFT_PEER_INVALID")
    bot = DraftBot(FakeTime(), [refused])
    drafts = presenter(bot)
    drafts.update(draft("a"))
    await settle()
    drafts.update(draft("b"))
    await settle()
    await drafts.close()
    assert [text for _, text in bot.calls] == ["a"]
    assert drafts.updates == 0
    assert drafts.refusal is not None and "TEXTDRAFT_PEER_INVALID" in drafts.refusal


async def test_no_draft_after_close() -> None:
    bot = DraftBot(FakeTime())
    drafts = presenter(bot)
    drafts.update(draft("a"))
    await settle()
    bot.release = asyncio.Event()
    drafts.update(draft("b"))
    await settle()  # "b" is in flight
    closing = asyncio.create_task(drafts.close())
    await settle()
    assert not closing.done()  # a draft in flight is let finish (briefly)
    drafts.update(draft("c"))
    bot.release.set()
    await closing
    await settle()
    assert [text for _, text in bot.calls] == ["a", "b"]


def test_draft_text_shows_what_was_checked_and_rebuilding() -> None:
    text = draft_text(DraftPlan(title="Ноги <и> спина", exercises=(SQUAT, PLANK)))
    assert text.startswith("✍️")
    assert "🏋️ <b>Ноги &lt;и&gt; спина</b>" in text
    assert "1. <b>Приседания со штангой</b> — 3 × 8–10, 40 кг, отдых 2 мин" in text
    assert "2. <b>Планка</b> — 3 × 30–45 с, свой вес, отдых 1 мин" in text
    assert draft_text(DraftPlan(rebuilding=True)) == REBUILDING


class DraftingLLM:
    """Stands in for LLMWorkoutGenerator: streams two drafts, then refuses its own answer
    (nothing usable: the rule-based generator builds the plan)."""

    async def generate(self, *, listener: Any = None, **_: Any) -> Any:
        assert listener is not None, "a private chat with LLM_STREAM on gets drafts"
        listener.update(DraftPlan(title="Всё тело", exercises=(SQUAT,)))
        await asyncio.sleep(0.1)
        listener.update(DraftPlan(title="Всё тело", exercises=(SQUAT, PLANK)))
        await asyncio.sleep(0.1)
        listener.update(DraftPlan(rebuilding=True))
        await asyncio.sleep(0.1)
        return SimpleNamespace(plan=None)


async def test_drafts_reach_the_chat_and_the_workout_follows(
    session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workout_jobs, "DRAFT_INTERVAL_SECONDS", 0.05)
    state = create_state_backend(redis, shared_locks=False, key_prefix=redis_prefix)
    llm: Any = DraftingLLM()
    harness = build_harness(session_factory, state, llm=llm)
    user = UserSession(harness, 818181, first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)  # drafts are not messages: the workout is the one message
    assert "Разминка" in user.text()
    sent = harness.bot.calls_of(SendMessageDraft)
    assert [call.text for call in sent] == [
        draft_text(DraftPlan(title="Всё тело", exercises=(SQUAT,))),
        draft_text(DraftPlan(title="Всё тело", exercises=(SQUAT, PLANK))),
        REBUILDING,  # the refused answer left nothing on screen
    ]
    assert {(call.chat_id, call.draft_id) for call in sent} == {(818181, sent[0].draft_id)}


class RefusingBot(RecordingBot):
    """Telegram without drafts for this bot: sendMessageDraft answers 400."""

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessageDraft):
            self.calls.append(method)
            self.failed_calls.append(method)
            raise TelegramBadRequest(method, "Bad Request: method is not available")
        return await super().__call__(method, request_timeout)


async def test_drafts_refused_by_telegram_are_turned_off_once(
    session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = create_state_backend(redis, shared_locks=False, key_prefix=redis_prefix)
    llm: Any = DraftingLLM()
    harness = build_harness(session_factory, state, llm=llm)
    harness.bot = RefusingBot()
    user = UserSession(harness, 828282, first_name="Инна")
    await fill_until(user)
    await user.press("✅ Всё верно")
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)  # the workout arrives all the same
    assert "Разминка" in user.text()
    assert len(harness.bot.calls_of(SendMessageDraft)) == 1  # refused once, never again
    assert harness.jobs.drafts_off
    lines = [r.getMessage() for r in caplog.records if "sendMessageDraft" in r.getMessage()]
    assert lines == [
        "Workout drafts off for this process: Telegram refused sendMessageDraft: "
        "Telegram server says - Bad Request: method is not available"
    ]


async def test_a_job_taken_over_replaces_what_its_dead_owner_drafted(
    session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> None:
    """Telegram keeps a draft about 30 s: a takeover's result is sent, not edited in."""
    state = create_state_backend(redis, shared_locks=False, key_prefix=redis_prefix)
    llm: Any = DraftingLLM()
    jobs = build_harness(session_factory, state, llm=llm).jobs
    first = JobTicket(1, 1, 4242, 4242, attempt=1)
    taken_over = JobTicket(1, 1, 4242, 4242, attempt=2)
    group = JobTicket(1, 1, 4242, -100, attempt=2)
    assert not jobs._left_draft(first)  # its own drafts decide
    assert jobs._left_draft(taken_over)
    assert not jobs._left_draft(group)  # no drafts outside private chats
    jobs.drafts_off = True
    assert not jobs._left_draft(taken_over)
