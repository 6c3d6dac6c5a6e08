"""The designer preview: one page in Russian, every screen in flow order, plus a diagram."""

from __future__ import annotations

from html import escape
from pathlib import Path

from dialogs.setup import build_router
from trainer_bot.preview.diagram import COLORS, dot_source, render_png
from trainer_bot.preview.render import (
    TELEGRAM_TEXT_LIMIT,
    Button,
    RenderedWindow,
    WindowRenderer,
)
from trainer_bot.preview.scenes import BotMessage, Scene, Section, storyboard, with_missing
from trainer_bot.preview.style import CSS

TITLE = "AI-тренер в Telegram: все экраны"
BOT_NAME = "AI-тренер"
DIAGRAM_FILE = "transitions.png"
# From this share of Telegram's limit on, the length meter turns amber.
NEAR_LIMIT = 0.75


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")  # 4 096, as Russian typography writes it


def _button(button: Button) -> str:
    if button.url:  # opens a browser; the address shows on hover
        return f'<span class="button url" title="{escape(button.url)}">{escape(button.text)}</span>'
    return f'<span class="button">{escape(button.text)}</span>'


def _keyboard(rows: list[list[Button]]) -> str:
    if not rows:
        return ""
    html_rows = "".join(
        '<div class="row">' + "".join(_button(button) for button in row) + "</div>" for row in rows
    )
    return f'<div class="keyboard">{html_rows}</div>'


def _meter(window: RenderedWindow) -> str:
    share = window.length / TELEGRAM_TEXT_LIMIT
    near = " near" if share >= NEAR_LIMIT else ""
    return (
        f'<div class="meter{near}">{_number(window.length)} из {_number(TELEGRAM_TEXT_LIMIT)}'
        f' символов<div class="bar"><span style="width: {min(share, 1) * 100:.1f}%"></span>'
        "</div></div>"
    )


def _bot_message(message: BotMessage) -> str:
    keyboard = _keyboard([[Button(text)] for text in message.buttons])
    text = f'<div class="msg in"><div class="text">{escape(message.text)}</div></div>'
    return f'<div class="reply">{text}{keyboard}</div>'


def _chat(scene: Scene, window: RenderedWindow) -> str:
    parts = []
    if scene.before:  # a message the bot sent on its own, above the scene
        parts.append(_bot_message(scene.before))
    if scene.toast:
        parts.append(
            '<div class="toast"><span class="toast-label">всплывающая подсказка</span>'
            f"{escape(scene.toast)}</div>"
        )
    if scene.user_text:  # what the user sent, then what the bot answered
        parts.append(f'<div class="msg out">{escape(scene.user_text)}</div>')
    if scene.video_note:
        parts.append('<div class="video-note"><span class="play">▶</span>видео-кружок</div>')
    preview = (
        f'<div class="link-preview">🔗 {escape(window.link_preview)}</div>'
        if window.link_preview
        else ""
    )
    # The window's text is Telegram HTML (<b>, <i>, <a>): a browser shows it as Telegram does.
    message = f'<div class="msg in">{preview}<div class="text">{window.html}</div></div>'
    # A message with buttons is as wide as its keyboard, as in Telegram.
    parts.append(f'<div class="reply">{message}{_keyboard(window.keyboard)}</div>')
    if scene.after:  # a message the bot sends later, on its own
        parts.append(_bot_message(scene.after))
    return "".join(parts)


def _scene(number: int, anchor: str, scene: Scene, window: RenderedWindow) -> str:
    note = f'<span class="note">{escape(scene.note)}</span>' if scene.note else ""
    return (
        f'<figure class="scene" id="{escape(anchor)}"'
        f' data-state="{escape(scene.state.state or "")}">'
        f'<figcaption><span class="number">{number}</span>'
        f'<span class="caption">{escape(scene.caption)}</span>{note}</figcaption>'
        '<div class="phone"><div class="topbar"><span class="avatar">AI</span>'
        f'<span class="title">{BOT_NAME}<small>бот</small></span></div>'
        f'<div class="chat{" with-toast" if scene.toast else ""}">{_chat(scene, window)}</div>'
        "</div>"
        f"{_meter(window)}</figure>"
    )


def _diagram_section() -> str:
    legend = [
        ("start", "запуск другого диалога"),
        ("switch", "переход внутри диалога"),
        ("back", "назад"),
        ("handler", "переход из обработчика (ответ, выбор)"),
    ]
    items = "".join(
        f'<span><i class="{"dashed" if kind == "handler" else ""}"'
        f' style="border-top-color: {COLORS[kind]}"></i>{label}</span>'
        for kind, label in legend
    )
    return (
        '<section id="transitions" class="diagram"><h2>Схема переходов</h2>'
        '<p class="intro">Куда ведёт каждая кнопка. Рамки — диалоги, прямоугольники — '
        f'экраны.</p><div class="legend">{items}</div>'
        f'<img src="{DIAGRAM_FILE}" alt="Схема переходов между экранами бота"></section>'
    )


async def _render_sections(renderer: WindowRenderer, sections: list[Section]) -> str:
    html_sections = []
    number = 0
    anchored: set[str] = set()
    for section in sections:
        figures = []
        for scene in section.scenes:
            number += 1
            window = await renderer.render(scene.state, scene.sample, shorten=scene.shorten)
            # The first scene of a window is its anchor: #RegistrationSG:age links there.
            anchor = scene.state.state or ""
            anchor = f"scene-{number}" if anchor in anchored else anchor
            anchored.add(anchor)
            figures.append(_scene(number, anchor, scene, window))
        html_sections.append(
            f'<section id="{section.anchor}"><h2>{escape(section.title)}</h2>'
            f'<p class="intro">{escape(section.intro)}</p>'
            f'<div class="board">{"".join(figures)}</div></section>'
        )
    return "".join(html_sections)


def _page(sections: list[Section], body: str) -> str:
    toc = "".join(
        f'<a href="#{section.anchor}">{escape(section.title)}</a>' for section in sections
    )
    return (
        '<!doctype html>\n<html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{TITLE}</title><style>{CSS}</style></head><body>"
        f'<header class="page-head"><h1>{TITLE}</h1>'
        '<p class="lead">Раскадровка в том порядке, в каком экраны видит пользователь. '
        "Тексты и кнопки — настоящие окна диалогов бота с примерными данными, включая "
        "крайние случаи: самую длинную тренировку, ошибку ввода и всплывающие подсказки. "
        "Под каждым экраном — длина сообщения относительно лимита Telegram.</p>"
        f'<nav class="toc">{toc}<a href="#transitions">Схема переходов</a></nav></header>'
        f"<main>{body}{_diagram_section()}</main></body></html>\n"
    )


async def write_preview(directory: Path) -> tuple[Path, Path]:
    """Write index.html and transitions.png into `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a CLI tool, not the bot
    renderer = WindowRenderer(build_router())
    sections = with_missing(storyboard(), renderer.states())
    body = await _render_sections(renderer, sections)
    diagram = render_png(dot_source(renderer.dialogs), directory / DIAGRAM_FILE)
    page = directory / "index.html"
    page.write_text(_page(sections, body), encoding="utf-8")
    return page, diagram
