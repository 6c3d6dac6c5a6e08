"""Designer preview: every window as HTML, plus a transitions diagram."""

from __future__ import annotations

from pathlib import Path

from aiogram import Dispatcher
from aiogram_dialog import setup_dialogs
from aiogram_dialog.tools import render_preview, render_transitions

from dialogs.setup import build_router


async def write_preview(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a CLI tool, not the bot
    dp = Dispatcher()
    dp.include_router(build_router())
    setup_dialogs(dp)
    html = directory / "index.html"
    await render_preview(dp, str(html), simulate_events=False)
    diagram = directory / "transitions"
    render_transitions(dp, title="trainer_bot", filename=str(diagram), format="png")
    return html, diagram.with_suffix(".png")
