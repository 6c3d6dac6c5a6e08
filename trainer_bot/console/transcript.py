"""What the bot showed, in order, as terminal text: messages, edits, toasts, buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message


class _PlainText(HTMLParser):
    """Telegram's HTML subset as plain text: tags dropped, a link keeps its address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []  # href, where the link text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            if href and href != "".join(self.parts[start:]):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def keyboard_rows(message: Message | None) -> list[list[InlineKeyboardButton]]:
    markup = message.reply_markup if message is not None else None
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [row for row in markup.inline_keyboard if row]


def button_label(button: InlineKeyboardButton) -> str:
    # A URL button opens a browser in Telegram instead of talking to the bot.
    return f"{button.text} ↗" if button.url else button.text


def render_keyboard(rows: list[list[InlineKeyboardButton]]) -> list[str]:
    """One line per keyboard row, buttons numbered across rows: `[1] Да  [2] Нет`."""
    lines: list[str] = []
    number = 0
    for row in rows:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{number}] {button_label(button)}")
        lines.append("  ".join(labels))
    return lines


@dataclass
class Screen:
    """The message whose buttons the numbers press: the last one shown with a keyboard."""

    message: Message

    def buttons(self) -> list[tuple[int, int, InlineKeyboardButton]]:
        """(row, column, button) in the order the numbers count them."""
        return [
            (row_index, column, button)
            for row_index, row in enumerate(keyboard_rows(self.message))
            for column, button in enumerate(row)
        ]


class Transcript:
    """Prints what the bot does as it happens, and remembers the current screen."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self.screen: Screen | None = None

    def _block(self, lines: list[str]) -> None:
        self._write("\n".join(lines) + "\n\n")

    def message(
        self,
        message: Message,
        *,
        edited: bool = False,
        link_preview: str | None = None,
        from_dialog: bool = True,
    ) -> None:
        """Print a message; a dialog window becomes the screen, other messages only when
        they carry buttons (a plain notice leaves the window's buttons usable)."""
        lines = ["(edited)"] if edited else []
        if link_preview:
            lines.append(f"(link preview) {link_preview}")
        if message.photo:
            lines.append("(photo)")
        text = message.text if message.text is not None else message.caption
        if text:
            lines.append(html_to_text(text))
        rows = keyboard_rows(message)
        lines.extend(render_keyboard(rows))
        self._block(lines)
        if from_dialog or rows:
            self.screen = Screen(message)

    def note(self, text: str) -> None:
        """Something the bot did that is not a text message: a toast, a video note, a link."""
        self._block([text])
