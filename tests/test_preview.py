"""The designer preview: every window of every dialog as HTML, plus the transitions picture."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

from aiogram.fsm.state import StatesGroup

from dialogs import states
from trainer_bot.config import PROJECT_ROOT
from trainer_bot.preview import write_preview

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STATE_GROUPS: list[type[StatesGroup]] = [
    states.StartSG,
    states.RegistrationSG,
    states.MenuSG,
    states.WorkoutSG,
]


def all_state_groups() -> list[type[StatesGroup]]:
    """Every StatesGroup defined in dialogs/states.py, so a new group cannot be forgotten."""
    return [
        value
        for value in vars(states).values()
        if isinstance(value, type) and issubclass(value, StatesGroup) and value is not StatesGroup
    ]


def assert_preview_complete(html_path: Path, png_path: Path) -> None:
    assert html_path.is_file()
    page = html.unescape(html_path.read_text(encoding="utf-8"))
    for group in STATE_GROUPS:
        # aiogram-dialog's template: a heading per dialog, an anchor and a message per window.
        assert f'<span class="group">{group.__qualname__}</span>' in page, group
        for state in group.__states__:
            assert f'id="{state.state}"' in page, f"window {state.state} is not in the preview"
            assert f'href="#{state.state}"' in page, state.state
    assert png_path.is_file()
    assert png_path.read_bytes()[:8] == PNG_MAGIC


def test_every_state_group_is_checked() -> None:
    assert set(all_state_groups()) == set(STATE_GROUPS)


async def test_write_preview(tmp_path: Path) -> None:
    html_path, png_path = await write_preview(tmp_path / "preview")
    assert html_path.parent == png_path.parent == tmp_path / "preview"
    assert_preview_complete(html_path, png_path)
    assert "🏋️ Получить тренировку" in html_path.read_text(encoding="utf-8")


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
    assert_preview_complete(target / "index.html", target / "transitions.png")
