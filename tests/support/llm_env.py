"""The real LLM client stack against the fake OpenAI-compatible server, for service tests:
a settings factory, the shared server fixtures, `Env` and a registered test user."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.harness import FakeClock, make_settings
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.db.models import User
from trainer_bot.llm import ChatCompletionsClient, LLMWorkoutGenerator
from trainer_bot.services.workouts import WorkoutService
from trainer_bot.training.schemas import TrainingProfile

SessionFactory = async_sessionmaker[AsyncSession]
API_KEY = "sk-test-secret"
CATALOGUE = default_catalogue()
TIMEOUT = 0.5  # one HTTP attempt
BUDGET = 3.0  # the whole LLM generation
PROFILE = TrainingProfile(
    gender=Gender.MALE,
    age=30,
    height_cm=180,
    weight_kg=80.0,
    level=FitnessLevel.INTERMEDIATE,
    goal=Goal.MASS_GAIN,
    target_weight_kg=85.0,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)

_telegram_ids = itertools.count(7_300_000)


@dataclass
class Env:
    server: FakeOpenAIServer
    settings: Settings
    client: ChatCompletionsClient
    generator: LLMWorkoutGenerator
    session_factory: SessionFactory
    clock: FakeClock

    def service(self) -> WorkoutService:
        return WorkoutService(
            settings=self.settings,
            session_factory=self.session_factory,
            catalogue=CATALOGUE,
            llm=self.generator,
            clock=self.clock,
        )


def llm_settings(server: FakeOpenAIServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "proxy_api_key": API_KEY,
        "proxy_api_url": server.base_url,
        "llm_timeout_seconds": TIMEOUT,
        "llm_total_budget_seconds": BUDGET,
        **overrides,
    }
    return make_settings(**values)


@pytest.fixture(scope="module")
async def shared_openai_server() -> AsyncIterator[FakeOpenAIServer]:
    """One fake server for the module (starting one per test costs more than the test)."""
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def openai_server(shared_openai_server: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The shared server with an empty script and no recorded requests."""
    shared_openai_server.reset()
    yield shared_openai_server
    shared_openai_server.reset()


@pytest.fixture
async def make_env(
    openai_server: FakeOpenAIServer, session_factory: SessionFactory
) -> AsyncIterator[Callable[..., Env]]:
    """Builds the real client stack, closed after the test. `own_http=True` lets the client
    build (and close) its own httpx client, as in production; otherwise it shares the
    server's plain-HTTP one (a TLS-ready httpx client costs ~100 ms to build)."""
    clients: list[ChatCompletionsClient] = []

    def build(*, own_http: bool = False, **overrides: Any) -> Env:
        settings = llm_settings(openai_server, **overrides)
        client = ChatCompletionsClient(
            settings,
            http_client=None if own_http else openai_server.http_client,
            backoff_base_seconds=0.01,
            backoff_cap_seconds=0.05,
        )
        clients.append(client)
        generator = LLMWorkoutGenerator(settings, client, CATALOGUE)
        return Env(openai_server, settings, client, generator, session_factory, FakeClock())

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
def env(make_env: Callable[..., Env]) -> Env:
    return make_env()


async def create_user(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        user = User(
            telegram_id=next(_telegram_ids),
            first_name="Тест",
            gender=PROFILE.gender.value,
            age=PROFILE.age,
            height_cm=PROFILE.height_cm,
            current_weight_kg=PROFILE.weight_kg,
            fitness_level=PROFILE.level.value,
            goal=PROFILE.goal.value,
            target_weight_kg=PROFILE.target_weight_kg,
            workout_frequency=PROFILE.workouts_per_week,
            equipment_type=PROFILE.equipment.value,
        )
        session.add(user)
        await session.commit()
        return user.id
