"""One window rendered with sample data, the way aiogram-dialog's preview renders it.

aiogram-dialog's `FakeManager` makes every widget render in preview mode (getters are not
called; a window's `preview_data` stands in for them). On top of that, a scene's sample
data overrides the window's own, so one window can be shown in several situations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Router
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup
from aiogram_dialog import Dialog, Window
from aiogram_dialog.setup import collect_dialogs
from aiogram_dialog.tools.preview import FakeManager

from trainer_bot.console.transcript import html_to_text

TELEGRAM_TEXT_LIMIT = 4096


def telegram_length(html: str) -> int:
    """What Telegram counts against its limit: the parsed text, in UTF-16 code units."""
    return len(html_to_text(html).encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Button:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class RenderedWindow:
    html: str  # Telegram HTML, as the bot would send it
    keyboard: list[list[Button]]
    link_preview: str | None

    @property
    def length(self) -> int:
        return telegram_length(self.html)


class WindowRenderer:
    """Renders any window of the dialogs under a router."""

    def __init__(self, router: Router) -> None:
        self.dialogs = [d for d in collect_dialogs(router) if isinstance(d, Dialog)]
        self._windows: dict[State, tuple[Dialog, Window]] = {}
        for dialog in self.dialogs:
            for state, window in dialog.windows.items():
                if isinstance(window, Window):
                    self._windows[state] = (dialog, window)
        self._manager = FakeManager()  # type: ignore[no-untyped-call]

    def states(self) -> list[State]:
        """Every window's state, dialog by dialog, in the order the windows are declared."""
        return list(self._windows)

    async def render(
        self, state: State, sample: dict[str, Any] | None = None, *, shorten: str | None = None
    ) -> RenderedWindow:
        """The window with `sample` over its preview data; `shorten` names a sample text
        cut with "…" until the message fits Telegram's limit."""
        sample = dict(sample or {})
        rendered = await self._render(state, sample)
        while shorten and rendered.length > TELEGRAM_TEXT_LIMIT:
            text = str(sample[shorten])
            # Plain Cyrillic and Latin text: one UTF-16 unit per character.
            keep = len(text) - (rendered.length - TELEGRAM_TEXT_LIMIT) - 1
            if keep <= 0:
                raise ValueError(f"cutting {shorten!r} cannot make {state.state} fit")
            sample[shorten] = text[:keep].rstrip() + "…"
            rendered = await self._render(state, sample)
        return rendered

    async def _render(self, state: State, sample: dict[str, Any]) -> RenderedWindow:
        dialog, window = self._windows[state]
        manager = self._manager
        manager.set_dialog(dialog)
        manager.set_state(state)
        data = await window.load_data(dialog, manager)  # preview_data of dialog and window
        data.update(sample)
        text = await window.render_text(data, manager)
        markup = await window.render_kbd(data, manager)
        options = await window.render_link_preview(data, manager)
        link = None
        if options is not None and not options.is_disabled and options.url:
            link = str(options.url)
        return RenderedWindow(text, _buttons(markup), link)


def _buttons(markup: object) -> list[list[Button]]:
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [
        [Button(button.text, button.url) for button in row] for row in markup.inline_keyboard if row
    ]
