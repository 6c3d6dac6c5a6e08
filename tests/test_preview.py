"""The designer preview: one Russian storyboard page of every window, plus the diagram."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram_dialog import Dialog
from aiogram_dialog.setup import collect_dialogs

from dialogs import states
from dialogs.setup import build_router
from dialogs.states import (
    MenuSG,
    ProgressSG,
    RegistrationSG,
    RemindersSG,
    StartSG,
    SwapSG,
    TimezoneSG,
    WorkoutSG,
)
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import PROJECT_ROOT
from trainer_bot.preview import write_preview
from trainer_bot.preview.diagram import dot_source, node_label
from trainer_bot.preview.scenes import CAPTIONS
from trainer_bot.preview.style import EMOJI_FONTS, PHONE_WIDTH_PX
from trainer_bot.services.profile_rules import parse_age

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The order a user meets the screens in: registration, menu, workout, exercise, cooldown.
FLOW: list[State] = [
    StartSG.greeting,
    *RegistrationSG.__all_states__,
    MenuSG.main,
    MenuSG.profile,
    WorkoutSG.composing,
    WorkoutSG.view,
    WorkoutSG.rebuild,
    WorkoutSG.exercise,
    *SwapSG.__all_states__,
    WorkoutSG.done,
    WorkoutSG.cooldown,
    *ProgressSG.__all_states__,
    *TimezoneSG.__all_states__,
    *RemindersSG.__all_states__,
]
# The only addresses the page may contain: example exercise videos in the content.
CONTENT_URL = re.compile(r"https://www\.youtube\.com/results\?search_query=[^\s\"'<>]+")


def all_states() -> list[State]:
    """Every state of every StatesGroup in dialogs/states.py, so none can be forgotten."""
    groups = [
        value
        for value in vars(states).values()
        if isinstance(value, type) and issubclass(value, StatesGroup) and value is not StatesGroup
    ]
    return [state for group in groups for state in group.__all_states__]


@dataclass
class Preview:
    page: str
    html_path: Path
    png_path: Path

    def visible_text(self) -> str:
        """What a reader sees: no stylesheet, no tags or attributes."""
        body = re.sub(r"<style>.*?</style>", "", self.page, flags=re.DOTALL)
        return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.fixture(scope="module")
async def preview(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Preview]:
    html_path, png_path = await write_preview(tmp_path_factory.mktemp("preview"))
    yield Preview(html_path.read_text(encoding="utf-8"), html_path, png_path)


def test_the_flow_covers_every_state() -> None:
    assert sorted(map(str, FLOW)) == sorted(map(str, all_states()))
    assert len(FLOW) == len(set(FLOW))


def test_every_window_has_a_russian_caption(preview: Preview) -> None:
    for state in all_states():
        caption = CAPTIONS[state]
        assert re.search("[а-яё]", caption), caption
        assert f'<span class="caption">{html.escape(caption)}</span>' in preview.page, state
        # Every window is on the page, under the state a developer can search for.
        assert f'data-state="{state.state}"' in preview.page, state
    visible = preview.visible_text()
    for group in (StartSG, RegistrationSG, MenuSG, WorkoutSG):
        assert group.__name__ not in visible  # code names are not headings
    assert "Прочие" not in visible and "Без подписи" not in visible
    assert "🏋️ Получить тренировку" in visible


def test_screens_appear_in_flow_order(preview: Preview) -> None:
    first_seen = [
        preview.page.index(f'<span class="caption">{html.escape(CAPTIONS[state])}</span>')
        for state in FLOW
    ]
    assert first_seen == sorted(first_seen)
    sections = [
        preview.page.index(f"<h2>{title}</h2>")
        for title in (
            "Знакомство",
            "Регистрация",
            "Главное меню",
            "Тренировка",
            "Упражнение",
            "Отдых между тренировками",
            "Ошибки и подсказки",
            "Схема переходов",
        )
    ]
    assert sections == sorted(sections)


def test_screens_are_phone_wide_and_nothing_is_loaded_from_outside(preview: Preview) -> None:
    assert 360 <= PHONE_WIDTH_PX <= 400
    assert f"--phone-width: {PHONE_WIDTH_PX}px;" in preview.page
    assert ".phone {\n  width: var(--phone-width);" in preview.page
    assert EMOJI_FONTS == '"Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif'
    assert f"font-family: var(--text-font), {EMOJI_FONTS};" in preview.page
    for remote in ("<link", "<script", "@import", "@font-face", "url("):
        assert remote not in preview.page, remote
    addresses = re.findall(r"https?://[^\s\"'<>)]+", html.unescape(preview.page))
    assert addresses  # the exercise video buttons
    for address in addresses:
        assert CONTENT_URL.fullmatch(address), address


def lengths(page: str) -> list[int]:
    """The message length under each screen ("2 114 из 4 096 символов")."""
    found = re.findall(r"(\d[\d\u00a0]*) из 4\u00a0096 символов", page)
    return [int(value.replace("\u00a0", "")) for value in found]


def test_the_longest_workout_and_a_message_at_the_limit(preview: Preview) -> None:
    longest_names = sorted((e.name for e in default_catalogue()), key=len, reverse=True)[:10]
    for number, name in enumerate(longest_names, 1):
        assert f"{number}. <b>{html.escape(name)}</b> — " in preview.page
    sizes = lengths(preview.page)
    assert len(sizes) == preview.page.count('<figure class="scene"')
    assert max(sizes) == 4096  # the exercise whose technique is cut to fit
    assert sorted(sizes)[-2] > 2000  # the longest workout
    # Cut where the exercise window's getter cuts: the end of the technique.
    assert "…\n\n🎯 Основные мышцы: спина" in preview.page


def test_an_error_line_and_toasts(preview: Preview) -> None:
    with pytest.raises(ValueError) as error:
        parse_age("abc")
    assert '<div class="msg out">abc</div>' in preview.page
    assert f"⚠️ {html.escape(str(error.value))}\n" in preview.page
    toasts = re.findall(r'<div class="toast">.*?</span>(.*?)</div>', preview.page)
    assert [html.unescape(toast) for toast in toasts] == [
        "Не так быстро 🙂 Подожди секунду.",
        "Такого упражнения нет в этой тренировке.",
    ]


def test_the_diagram_has_russian_labels(preview: Preview) -> None:
    assert preview.png_path == preview.html_path.parent / "transitions.png"
    assert preview.png_path.read_bytes()[:8] == PNG_MAGIC
    assert '<img src="transitions.png"' in preview.page
    dialogs = [d for d in collect_dialogs(build_router()) if isinstance(d, Dialog)]
    source = dot_source(dialogs)
    for state in all_states():
        assert f'"{state.state}" [label="{node_label(state)}"];' in source
    assert node_label(RegistrationSG.age) == "Шаг 2 из 9: возраст"
    assert 'label="Регистрация"' in source
    assert "RegistrationSG" not in re.findall(r'label="([^"]*)"', source)
    # Edges from buttons and from handlers, e.g. the registration steps in a chain.
    assert f'"{RegistrationSG.gender.state}" -> "{RegistrationSG.age.state}"' in source
    assert f'"{StartSG.greeting.state}" -> "{RegistrationSG.gender.state}"' in source


def test_preview_command(tmp_path: Path) -> None:
    target = tmp_path / "cli-preview"
    env = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "trainer_bot", "preview", str(target)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (target / "index.html").is_file()
    assert (target / "transitions.png").read_bytes()[:8] == PNG_MAGIC
