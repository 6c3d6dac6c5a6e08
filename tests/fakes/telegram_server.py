"""A fake Telegram Bot API server: a real aiohttp server on 127.0.0.1, free port.

The real bot is pointed at it with `TELEGRAM_API_URL=<server.url>`; aiogram then calls
`{url}/bot{token}/{method}` (form fields, nested objects JSON-encoded, multipart when a
file is uploaded) and downloads files from `{url}/file/bot{token}/{path}`.

It keeps per-user private chats the way the user would see them (edits and deletions
applied, inline keyboards on messages, the reply keyboard per chat) and applies the
Telegram rules a bot trips over: message ids grow per chat, "message is not modified",
"message to edit not found", editMessageText without reply_markup drops the keyboard,
4096/1024 length limits, HTML parse errors (`parse_mode=HTML`), 64-byte callback_data,
unknown file ids, expired callback queries, 401 for a wrong token, 409 for two pollers.
Message drafts (sendMessageDraft, private chats only, non-zero draft_id): the chat shows
the newest draft until the bot sends a message, which replaces it (`draft`, `drafts`).

    async def test_start(telegram_server: FakeTelegramServer) -> None:
        ...  # start the bot with TELEGRAM_API_URL=telegram_server.url, BOT_TOKEN=...token
        await telegram_server.send_command(42, "start")
        await telegram_server.wait_for("sendVideoNote")
        message = telegram_server.last_message(42)
        await telegram_server.click(42, message.message_id, message.buttons[0].callback_data)

Every request is kept in `server.calls` (the token is never stored: paths read
`/bot<REDACTED>/...`). `server.fail_next(...)` injects failures such as 429 retry_after.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import inspect
import itertools
import json
import re
import secrets
import socket
import time
import traceback
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from multidict import MultiDictProxy

DEFAULT_TOKEN = "123456789:TEST-fake-telegram-token-abcdefghij"
REDACTED = "<REDACTED>"

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200

# Message kinds a bot can send with a file, and the field that carries the file.
MEDIA_KINDS = ("photo", "video_note", "video", "animation", "document", "audio", "voice", "sticker")
CAPTIONED_KINDS = frozenset({"photo", "video", "animation", "document", "audio", "voice"})
EDITABLE_MEDIA_KINDS = frozenset({"photo", "video", "animation", "document", "audio"})
# Real file ids start with a per-type prefix; keeping it makes ids look familiar in logs.
_FILE_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAA",
    "video_note": "DQACAgIAAxkBAA",
    "video": "BAACAgIAAxkBAA",
    "animation": "CgACAgIAAxkBAA",
    "document": "BQACAgIAAxkBAA",
    "audio": "CQACAgIAAxkBAA",
    "voice": "AwACAgIAAxkBAA",
    "sticker": "CAACAgIAAxkBAA",
}
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
    }
)
# A valid 1x1 PNG: the bytes behind photos that fake users send.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5e1e7"
    "d40000000049454e44ae426082"
)

# How request fields are decoded: aiogram sends every value as a string, nested objects
# as JSON. Free text is never decoded; numbers only for fields that are numbers.
_TEXT_FIELDS = frozenset(
    {"text", "caption", "description", "short_description", "name", "title", "url", "query"}
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "from_chat_id",
        "offset",
        "limit",
        "timeout",
        "duration",
        "length",
        "width",
        "height",
        "cache_time",
        "message_thread_id",
        "user_id",
        "reply_to_message_id",
        "max_connections",
        "draft_id",
    }
)
_INT_RE = re.compile(r"-?\d+")


class ApiError(Exception):
    """An error answer of the Bot API: `{"ok": false, "error_code": ..., ...}`."""

    def __init__(
        self, status: int, description: str, parameters: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = dict(parameters or {})

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# --- Telegram's HTML parse mode ---------------------------------------------------------

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_ATTR_RE = re.compile(r"""([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_CHAR_REF_RE = re.compile(r"&(#[xX][0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot);")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlParseError(ValueError):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities (UTF-16 offsets) of a `parse_mode=HTML` text.

    Follows the Bot API rules: only the documented tags, `<`/`>`/`&` outside tags must be
    escaped (a stray `&` is tolerated as Telegram does), tags must nest properly. Error
    descriptions copy Telegram's wording for the common cases.
    """
    out: list[str] = []
    position = 0  # in UTF-16 code units, as entity offsets are
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            offset = len(source[:i].encode())
            match = _TAG_RE.match(source, i)
            if match is None:
                raise HtmlParseError(f"Unexpected end of name token at byte offset {offset}")
            closing, name, attributes = match.group(1) == "/", match.group(2).lower(), match[3]
            if closing:
                if not stack:
                    raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
                open_name, start, extra = stack.pop()
                if open_name != name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", '
                        f'found "</{name}>"'
                    )
                if position > start and (entity := _html_entity(open_name, extra)):
                    entities.append({"offset": start, "length": position - start, **entity})
            else:
                if name not in _HTML_ENTITY_TYPES:
                    raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
                attrs = {
                    m[1].lower(): m[2] if m[2] is not None else (m[3] or m[4] or "")
                    for m in _ATTR_RE.finditer(attributes or "")
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HtmlParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                    )
                stack.append((name, position, attrs))
            i = match.end()
            continue
        if char == "&" and (ref := _CHAR_REF_RE.match(source, i)):
            body = ref.group(1)
            if body.startswith(("#x", "#X")):
                decoded = chr(int(body[2:], 16))
            elif body.startswith("#"):
                decoded = chr(int(body[1:]))
            else:
                decoded = _NAMED_REFS[body]
            out.append(decoded)
            position += utf16_len(decoded)
            i = ref.end()
            continue
        end = i + 1
        while end < len(source) and source[end] not in "<&":
            end += 1
        chunk = source[i:end]
        out.append(chunk)
        position += utf16_len(chunk)
        i = end
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(tag: str, attrs: Mapping[str, str]) -> dict[str, Any] | None:
    kind = _HTML_ENTITY_TYPES[tag]
    if kind == "text_link":
        href = attrs.get("href")
        if not href:
            return None
        if href.startswith("tg://user?id="):
            user_id = _as_int(href.split("=", 1)[1], 0)
            return {
                "type": "text_mention",
                "user": {"id": user_id, "is_bot": False, "first_name": ""},
            }
        return {"type": "text_link", "url": href}
    if kind == "pre" and attrs.get("class", "").startswith("language-"):
        return {"type": "pre", "language": attrs["class"].removeprefix("language-")}
    if kind == "code" and attrs.get("class", "").startswith("language-"):
        return None  # <pre><code class="language-x"> sets the language of the pre
    if kind == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    if kind == "custom_emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    return {"type": kind}


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading and trailing whitespace; entities follow the text."""
    left = len(text) - len(text.lstrip())  # whitespace is BMP: chars == UTF-16 units
    stripped = text.strip()
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


# --- the recorded view --------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ChatMessage:
    """One message in a chat, as the user sees it now (edits applied)."""

    message_id: int
    sender: str  # "bot" or "user"
    kind: str  # text, video_note, photo, sticker, video, document, animation, audio, voice
    text: str | None  # the text or the caption, HTML already rendered to plain text
    reply_markup: list[list[Button]]  # the inline keyboard; [] when there is none
    entities: list[dict[str, Any]]
    file_id: str | None
    edited: bool
    raw: dict[str, Any] = field(repr=False)  # the Bot API Message object

    @property
    def buttons(self) -> list[Button]:
        return [button for row in self.reply_markup for button in row]

    def button(self, text: str) -> Button:
        """The inline button with exactly this text (or containing it, if unique)."""
        exact = [b for b in self.buttons if b.text == text]
        partial = [b for b in self.buttons if text in b.text]
        found = exact or partial
        if len(found) != 1:
            labels = [b.text for b in self.buttons]
            raise LookupError(f"no single button {text!r} in message {self.message_id}: {labels}")
        return found[0]


@dataclass
class UploadedFile:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Call:
    """One request to the server. The token is not kept: `path` reads /bot<REDACTED>/."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    path: str
    http_method: str
    status: int = 0
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def short(self) -> str:
        shown = {k: v for k, v in self.params.items() if k not in {"reply_markup"}}
        text = json.dumps(shown, ensure_ascii=False, default=str)
        if len(text) > 160:
            text = text[:157] + "..."
        outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"{self.method} {text} -> {outcome}"


@dataclass
class _Failure:
    method: str  # lower case
    remaining: int
    status: int
    description: str | None
    retry_after: int | None
    drop_connection: bool


@dataclass
class _User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes | None
    path: str

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.data is not None:
            info["file_size"] = len(self.data)
        return info


@dataclass
class _Message:
    message_id: int
    sender: str
    kind: str
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    inline_keyboard: list[list[dict[str, Any]]] | None = None
    file: _File | None = None
    media: dict[str, Any] | None = None  # the Bot API media object (photo sizes, video_note...)
    edit_date: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # more Message fields, as sent


@dataclass(frozen=True)
class ChatDraft:
    draft_id: int
    text: str
    at: float  # time.monotonic() when it arrived
    message_count: int  # bot messages in the chat at that moment (drafts come before)


@dataclass
class _Chat:
    user: _User
    messages: dict[int, _Message] = field(default_factory=dict)
    last_message_id: int = 0
    reply_keyboard: list[list[dict[str, Any]]] | None = None
    blocked: bool = False
    started: bool = False  # the user has written to the bot
    last_action: str | None = None
    # The draft on screen (replaced by the next message the bot sends) and every one sent.
    draft: ChatDraft | None = None
    drafts: list[ChatDraft] = field(default_factory=list)

    def next_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


Predicate = Callable[[Call], bool]


class FakeTelegramServer:
    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = "fake_trainer_bot",
        bot_name: str = "AI-тренер (fake)",
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        self.port = 0
        bot_id = token.partition(":")[0]
        self.bot_id = int(bot_id) if bot_id.isdigit() else 1
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.calls: list[Call] = []
        self.internal_errors: list[str] = []  # exceptions inside the fake (its own bugs)
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url: str | None = None
        self._users: dict[int, _User] = {}
        self._chats: dict[int, _Chat] = {}
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_seq = itertools.count(1)
        self._pending_queries: set[str] = set()
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._failures: list[_Failure] = []
        # Flood control: at most `flood_limit` sends in any one second (None: no limit);
        # the sends beyond it answer 429 with retry_after=1, counted in `flood_refusals`.
        self.flood_limit: int | None = None
        self.flood_refusals = 0
        self._recent_sends: collections.deque[float] = collections.deque()
        self._poll_generation = 0
        self._polls_in_flight = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._cursor = 0  # index in `calls` when the last update was pushed
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, UploadedFile]], Any]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "logout": self._true,
            "close": self._true,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "sendmessagedraft": self._send_message_draft,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "editmessagecaption": self._edit_message_caption,
            "editmessagemedia": self._edit_message_media,
            "answercallbackquery": self._answer_callback_query,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "sendchataction": self._send_chat_action,
            "getfile": self._get_file,
        }
        for kind in MEDIA_KINDS:
            method = "send" + kind.replace("_", "")
            self._handlers[method] = self._media_sender(kind)

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base for `TelegramAPIServer.from_base` / `TELEGRAM_API_URL`."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> FakeTelegramServer:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # No access log: it would print the token that is part of every path.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake()  # long polls answer [] at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __repr__(self) -> str:
        return f"<FakeTelegramServer {self.url} bot=@{self.bot_user['username']}>"

    # --- test side: users and updates -------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Тест",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> None:
        """Set the profile a user writes with (otherwise a default one is made up)."""
        self._users[user_id] = _User(user_id, first_name, last_name, username, language_code)
        if user_id in self._chats:
            self._chats[user_id].user = self._users[user_id]

    def open_chat(self, user_id: int, *, first_name: str = "Тест") -> None:
        """A user who has written to the bot before (so the bot may send to them), without
        an update: for tests that seed users in the database."""
        self.add_user(user_id, first_name=first_name)
        self._chat_of_user(user_id).started = True

    def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends answer 403 meanwhile."""
        self._chat_of_user(user_id).blocked = blocked

    async def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue a raw update (update_id is assigned); returns the update_id."""
        update_id = next(self._update_ids)
        self._updates.append({**copy.deepcopy(dict(update)), "update_id": update_id})
        self._cursor = len(self.calls)
        self._wake()
        return update_id

    async def send_text(self, user_id: int, text: str, **fields: Any) -> int:
        """The user writes `text` in the private chat; returns the new message_id."""
        return await self._user_message(user_id, "text", {"text": text, **fields})

    async def send_command(self, user_id: int, command: str, args: str | None = None) -> int:
        """The user sends `/command [args]` (`command` with or without the slash)."""
        name = "/" + command.lstrip("/")
        text = f"{name} {args}" if args else name
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(name)}
        return await self._user_message(user_id, "text", {"text": text, "entities": [entity]})

    async def send_sticker(self, user_id: int, emoji: str = "💪") -> int:
        file = self._store_file("sticker", b"RIFF-fake-webp", suffix="webp")
        sticker = {
            **file.describe(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeGymStickers",
        }
        return await self._user_message(user_id, "sticker", {"sticker": sticker}, file=file)

    async def send_photo(self, user_id: int, caption: str | None = None) -> int:
        file = self._store_file("photo", TINY_PNG, suffix="jpg")
        fields: dict[str, Any] = {"photo": self._photo_sizes(file)}
        if caption:
            fields["caption"] = caption
        return await self._user_message(user_id, "photo", fields, file=file)

    async def press_reply_button(self, user_id: int, text: str) -> int:
        """Press a button of the reply keyboard the bot shows (it sends its text)."""
        keyboard = self.reply_keyboard(user_id) or []
        if text not in [b.text for row in keyboard for b in row]:
            raise LookupError(f"no reply keyboard button {text!r} for user {user_id}: {keyboard}")
        return await self.send_text(user_id, text)

    async def click(
        self, user_id: int, message_id: int, callback_data: str, *, strict: bool = True
    ) -> str:
        """The user presses an inline button; returns the callback query id.

        With `strict` (the default) the message must exist and show a button with this
        callback_data, as a real user can only press what is on screen.
        """
        chat = self._chat_of_user(user_id)
        message = chat.messages.get(message_id)
        if strict:
            if message is None:
                raise LookupError(f"message {message_id} is not in chat {user_id}")
            datas = [
                button.get("callback_data")
                for row in message.inline_keyboard or []
                for button in row
            ]
            if callback_data not in datas:
                raise LookupError(
                    f"message {message_id} has no button with callback_data {callback_data!r}: "
                    f"{datas}"
                )
        query_id = str(next(self._query_ids))
        query: dict[str, Any] = {
            "id": query_id,
            "from": chat.user.as_user(),
            "chat_instance": str(-(10**18) - user_id),
            "data": callback_data,
        }
        if message is not None:
            query["message"] = self._message_api(chat, message)
        self._pending_queries.add(query_id)
        await self.push_update({"callback_query": query})
        return query_id

    async def click_button(self, user_id: int, text: str, message_id: int | None = None) -> str:
        """Press the inline button labelled `text` (in the newest bot message showing it)."""
        if message_id is None:
            for message in reversed(list(self.chat(user_id).values())):
                if any(b.text == text or text in b.text for b in message.buttons):
                    message_id = message.message_id
                    break
            else:
                raise LookupError(f"no inline button {text!r} in chat {user_id}")
        button = self.chat(user_id)[message_id].button(text)
        if button.callback_data is None:
            raise LookupError(f"button {text!r} is not a callback button: {button}")
        return await self.click(user_id, message_id, button.callback_data)

    # --- test side: what happened -----------------------------------------------------------

    def chat(self, user_id: int) -> dict[int, ChatMessage]:
        """The chat with `user_id` as the user sees it now: message_id -> message."""
        chat = self._chats.get(user_id)
        if chat is None:
            return {}
        return {
            message_id: self._view(chat, message)
            for message_id, message in sorted(chat.messages.items())
        }

    def last_message(self, user_id: int, sender: str | None = "bot") -> ChatMessage | None:
        """The newest visible message in the chat (from `sender`; None means anyone)."""
        for message in reversed(list(self.chat(user_id).values())):
            if sender is None or message.sender == sender:
                return message
        return None

    def draft(self, user_id: int) -> ChatDraft | None:
        """The draft the user sees now (None: none, or a message has replaced it)."""
        chat = self._chats.get(user_id)
        return chat.draft if chat is not None else None

    def drafts(self, user_id: int) -> list[ChatDraft]:
        """Every draft the bot sent to the chat, oldest first."""
        chat = self._chats.get(user_id)
        return list(chat.drafts) if chat is not None else []

    def reply_keyboard(self, user_id: int) -> list[list[Button]] | None:
        chat = self._chats.get(user_id)
        if chat is None or chat.reply_keyboard is None:
            return None
        return [[_button(b) for b in row] for row in chat.reply_keyboard]

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    @property
    def bot_calls(self) -> list[Call]:
        """Calls other than getUpdates polling."""
        return [call for call in self.calls if call.method.lower() != "getupdates"]

    @property
    def unknown_methods(self) -> list[str]:
        """Methods the bot called that this fake does not model (answered `true`)."""
        return sorted({c.method for c in self.calls if c.method.lower() not in self._handlers})

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    @property
    def unanswered_callbacks(self) -> set[str]:
        return set(self._pending_queries)

    def file_bytes(self, file_id: str) -> bytes | None:
        file = self._files.get(file_id)
        return file.data if file else None

    def mark(self) -> int:
        """A position in `calls`, for `wait_for(..., since=mark)`."""
        return len(self.calls)

    # The test-facing API takes a plain timeout on purpose (ASYNC109).
    async def wait_for(
        self,
        predicate: Predicate | str,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int | None = None,
    ) -> Call:
        """The first call matching `predicate` (a method name or a function of a Call).

        Only calls made after the last pushed update are considered, unless `since` (an
        index into `calls`, see `mark()`) says otherwise. Raises AssertionError on timeout.
        """
        if isinstance(predicate, str):
            name = predicate.lower()

            def matches(call: Call) -> bool:
                return call.method.lower() == name

        else:
            matches = predicate
        start = self._cursor if since is None else since
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            changed = self._changed
            for call in self.calls[start:]:
                if matches(call):
                    return call
            start = max(start, len(self.calls))
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                recent = "\n  ".join(c.short() for c in self.bot_calls[-10:]) or "(none)"
                raise AssertionError(
                    f"no matching bot call within {timeout:.1f}s; recent calls:\n  {recent}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_polling(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has a getUpdates request open (it is up and listening).

        Calls are recorded when answered, so a long poll shows up in `calls` only after
        it returns; this looks at requests in flight instead.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._polls_in_flight == 0:
            changed = self._changed
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot did not start polling within {timeout:.1f}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has made no call (besides polling) for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            bot_calls = self.bot_calls
            last = bot_calls[-1].at if bot_calls else 0.0
            idle_for = time.monotonic() - last
            if idle_for >= quiet:
                return
            if loop.time() >= deadline:
                raise AssertionError(f"the bot was still busy after {timeout:.1f}s")
            await asyncio.sleep(min(quiet - idle_for, max(deadline - loop.time(), 0)) + 0.01)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = 1,
        drop_connection: bool = False,
    ) -> None:
        """Make the next `times` calls of `method` fail.

        429 answers carry `parameters.retry_after` (aiogram raises TelegramRetryAfter);
        other statuses answer `description` (e.g. 500 -> TelegramServerError);
        `drop_connection` closes the socket without answering (TelegramNetworkError).
        """
        self._failures.append(
            _Failure(method.lower(), times, status, description, retry_after, drop_connection)
        )

    # --- HTTP -------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(
            method=method,
            params=params,
            files=files,
            path=f"/bot{REDACTED}/{method}",
            http_method=request.method,
        )
        try:
            if not secrets.compare_digest(request.match_info["token"], self.token):
                raise ApiError(401, "Unauthorized")
            self._flood_control(method)
            failure = self._take_failure(method)
            if failure is not None:
                if failure.drop_connection:
                    self._record(call, 0, error="connection dropped")
                    if request.transport is not None:
                        request.transport.close()
                    raise asyncio.CancelledError
                raise _failure_error(failure)
            handler = self._handlers.get(method.lower(), self._unknown)
            result = handler(params, files)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            self._record(call, error.status, error=error.description)
            return web.json_response(error.payload(), status=error.status)
        except Exception as error:  # a bug in the fake: answer 500 and keep it visible
            description = f"Internal Server Error: fake server failed: {error!r}"
            self.internal_errors.append(f"{method}: {traceback.format_exc()}")
            self._record(call, 500, error=description)
            return web.json_response(ApiError(500, description).payload(), status=500)
        self._record(call, 200, result=result)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not secrets.compare_digest(request.match_info["token"], self.token):
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        file = self._files_by_path.get(request.match_info["path"])
        if file is None or file.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(body=file.data, content_type="application/octet-stream")

    def _record(self, call: Call, status: int, *, result: Any = None, error: str | None = None):
        call.status, call.result, call.error = status, result, error
        call.at = time.monotonic()
        self.calls.append(call)
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _flood_control(self, method: str) -> None:
        if self.flood_limit is None or not method.lower().startswith("send"):
            return
        now = time.monotonic()
        while self._recent_sends and self._recent_sends[0] <= now - 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.flood_limit:
            self.flood_refusals += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._recent_sends.append(now)

    def _take_failure(self, method: str) -> _Failure | None:
        for failure in self._failures:
            if failure.method == method.lower() and failure.remaining > 0:
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._failures.remove(failure)
                return failure
        return None

    # --- methods: bot and updates -----------------------------------------------------------

    def _true(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return True

    def _unknown(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return True  # recorded in `calls`; listed by `unknown_methods`

    def _get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _get_updates(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        timeout = max(_as_int(params.get("timeout"), 0), 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._polls_in_flight += 1
        self._wake()  # an older long poll still waiting answers 409, as Telegram does
        try:
            return await self._poll(generation, limit, wait=timeout)
        finally:
            self._polls_in_flight -= 1

    async def _poll(self, generation: int, limit: int, wait: int) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            changed = self._changed
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            self._updates = [u for u in self._updates if _update_type(u) in self._allowed_updates]
            if self._updates or self._closing:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = str(params.get("url") or "") or None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _get_webhook_info(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: Mapping[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> list[dict[str, Any]]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    # --- methods: messages ------------------------------------------------------------------

    def _send_message_draft(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._target_chat(params)
        draft_id = params.get("draft_id")
        if not isinstance(draft_id, int) or draft_id == 0:
            raise bad_request("TEXTDRAFT_ID_INVALID")
        text, _ = _render(
            params.get("text"),
            params,
            limit=TEXT_LIMIT,
            what="text",
            entities_key="entities",
            allow_empty=True,  # an empty draft shows «Thinking…»
        )
        bot_messages = sum(1 for m in chat.messages.values() if m.sender == "bot")
        chat.draft = ChatDraft(draft_id, text, time.monotonic(), bot_messages)
        chat.drafts.append(chat.draft)
        return True

    def _send_message(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat = self._target_chat(params)
        text, entities = _render(
            params.get("text"), params, limit=TEXT_LIMIT, what="text", entities_key="entities"
        )
        inline = self._apply_markup(chat, params.get("reply_markup"))
        message = _Message(
            chat.next_id(), "bot", "text", _now(), text, entities, inline_keyboard=inline
        )
        _keep_flags(message, params)
        chat.messages[message.message_id] = message
        chat.draft = None  # a message the bot sends replaces its draft
        return self._message_api(chat, message)

    def _media_sender(
        self, kind: str
    ) -> Callable[[dict[str, Any], dict[str, UploadedFile]], dict[str, Any]]:
        def send(params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
            chat = self._target_chat(params)
            file = self._resolve_file(kind, params.get(kind), files, field_name=kind)
            text: str | None = None
            entities: list[dict[str, Any]] = []
            if kind in CAPTIONED_KINDS and params.get("caption") is not None:
                text, entities = _render(
                    params.get("caption"),
                    params,
                    limit=CAPTION_LIMIT,
                    what="caption",
                    entities_key="caption_entities",
                    allow_empty=True,
                )
            inline = self._apply_markup(chat, params.get("reply_markup"))
            message = _Message(
                chat.next_id(), "bot", kind, _now(), text or None, entities, inline_keyboard=inline
            )
            message.file = file
            message.media = self._media_object(kind, file, params)
            _keep_flags(message, params)
            chat.messages[message.message_id] = message
            chat.draft = None  # a message the bot sends replaces its draft
            return self._message_api(chat, message)

        return send

    def _edit_message_text(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities = _render(
            params.get("text"), params, limit=TEXT_LIMIT, what="text", entities_key="entities"
        )
        # Without reply_markup the inline keyboard is removed, as in Telegram.
        inline = _inline_only(params.get("reply_markup"))
        self._commit_edit(chat, message, text=text, entities=entities, inline=inline)
        return self._message_api(chat, message)

    def _edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat, message = self._editable(params)
        inline = _inline_only(params.get("reply_markup"))
        self._commit_edit(
            chat, message, text=message.text, entities=message.entities, inline=inline
        )
        return self._message_api(chat, message)

    def _edit_message_caption(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.kind not in CAPTIONED_KINDS:
            raise bad_request("there is no caption in the message to edit")
        text, entities = _render(
            params.get("caption"),
            params,
            limit=CAPTION_LIMIT,
            what="caption",
            entities_key="caption_entities",
            allow_empty=True,
        )
        inline = _inline_only(params.get("reply_markup"))
        self._commit_edit(chat, message, text=text or None, entities=entities, inline=inline)
        return self._message_api(chat, message)

    def _edit_message_media(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> dict[str, Any]:
        chat, message = self._editable(params)
        media = params.get("media")
        if not isinstance(media, dict) or "type" not in media:
            raise bad_request("can't parse InputMedia: media not found")
        kind = str(media["type"])
        if kind not in EDITABLE_MEDIA_KINDS:
            raise bad_request(f'can\'t parse InputMedia: unsupported media type "{kind}"')
        if message.kind == "text":
            raise bad_request("there is no media in the message to edit")
        if message.kind not in EDITABLE_MEDIA_KINDS:
            raise bad_request("message can't be edited")
        file = self._resolve_file(kind, media.get("media"), files, field_name="media")
        text, entities = _render(
            media.get("caption"),
            media,
            limit=CAPTION_LIMIT,
            what="caption",
            entities_key="caption_entities",
            allow_empty=True,
        )
        inline = _inline_only(params.get("reply_markup"))
        same_file = message.file is not None and message.file.file_unique_id == file.file_unique_id
        if (
            same_file
            and message.kind == kind
            and (text or None, entities, inline)
            == (message.text, message.entities, message.inline_keyboard)
        ):
            raise _not_modified()
        message.kind = kind
        message.file = file
        message.media = self._media_object(kind, file, media)
        message.text, message.entities, message.inline_keyboard = text or None, entities, inline
        message.edit_date = _now()
        return self._message_api(chat, message)

    def _delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._target_chat(params, for_send=False)
        message_id = _as_int(params.get("message_id"), 0)
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _delete_messages(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._target_chat(params, for_send=False)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a list of 1-100 message identifiers")
        for message_id in ids:
            chat.messages.pop(int(message_id), None)  # missing ones are skipped
        return True

    def _answer_callback_query(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._pending_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(str(text)) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._pending_queries.discard(query_id)
        self.callback_answers[query_id] = {
            "text": text,
            "show_alert": bool(params.get("show_alert")),
            "url": params.get("url"),
        }
        return True

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.last_action = str(action)
        return True

    def _get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        file = self._files.get(str(params.get("file_id") or ""))
        if file is None:
            raise bad_request("invalid file_id")
        return {**file.describe(), "file_path": file.path}

    # --- state helpers ----------------------------------------------------------------------

    def _chat_of_user(self, user_id: int) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            user = self._users.get(user_id) or _User(
                user_id, first_name=f"Пользователь {user_id}", username=f"user{user_id}"
            )
            self._users[user_id] = user
            chat = self._chats[user_id] = _Chat(user)
        return chat

    def _target_chat(self, params: Mapping[str, Any], *, for_send: bool = True) -> _Chat:
        chat_id = params.get("chat_id")
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int):
            raise bad_request("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None or not chat.started:
            raise bad_request("chat not found")
        if for_send and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _editable(self, params: Mapping[str, Any]) -> tuple[_Chat, _Message]:
        chat = self._target_chat(params, for_send=False)
        message = chat.messages.get(_as_int(params.get("message_id"), 0))
        if message is None:
            raise bad_request("message to edit not found")
        if message.sender != "bot":
            raise bad_request("message can't be edited")
        return chat, message

    def _commit_edit(
        self,
        chat: _Chat,
        message: _Message,
        *,
        text: str | None,
        entities: list[dict[str, Any]],
        inline: list[list[dict[str, Any]]] | None,
    ) -> None:
        if (text, entities, inline) == (message.text, message.entities, message.inline_keyboard):
            raise _not_modified()
        message.text, message.entities, message.inline_keyboard = text, entities, inline
        message.edit_date = _now()

    def _apply_markup(self, chat: _Chat, markup: Any) -> list[list[dict[str, Any]]] | None:
        """Inline keyboards stay on the message; reply keyboards belong to the chat."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return _validated_inline(markup["inline_keyboard"])
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request('field "keyboard" must be an Array of Arrays')
            chat.reply_keyboard = [
                [b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows
            ]
            return None
        if markup.get("remove_keyboard"):
            chat.reply_keyboard = None
            return None
        if markup.get("force_reply"):
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _store_file(self, kind: str, data: bytes | None, *, suffix: str) -> _File:
        seq = next(self._file_seq)
        file_id = _FILE_ID_PREFIX[kind] + f"{seq:04d}" + secrets.token_urlsafe(36)
        unique = "AgAD" + secrets.token_urlsafe(9)
        folder = {"photo": "photos", "video_note": "video_notes", "sticker": "stickers"}.get(
            kind, f"{kind}s"
        )
        file = _File(file_id, unique, kind, data, f"{folder}/file_{seq}.{suffix}")
        self._files[file_id] = file
        self._files_by_path[file.path] = file
        return file

    def _resolve_file(
        self, kind: str, value: Any, files: Mapping[str, UploadedFile], *, field_name: str
    ) -> _File:
        """An uploaded file (attach://name or a multipart field), a known file_id or a URL."""
        upload: UploadedFile | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        elif value is None and field_name in files:
            upload = files[field_name]
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            suffix = (upload.filename or "file.bin").rsplit(".", 1)[-1][:8] or "bin"
            return self._store_file(kind, upload.data, suffix=suffix)
        if not value:
            raise bad_request(f"there is no {field_name} in the request")
        value = str(value)
        if value.startswith(("http://", "https://")):
            return self._store_file(kind, None, suffix="bin")
        known = self._files.get(value)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if known.kind != kind:
            raise bad_request(
                f"can't use file of type {_type_name(known.kind)} as {_type_name(kind)}"
            )
        return known

    def _photo_sizes(self, file: _File) -> list[dict[str, Any]]:
        size = len(file.data) if file.data is not None else 0
        thumb = {
            "file_id": file.file_id[:-4] + "AAAB",
            "file_unique_id": file.file_unique_id + "-m",
            "width": 90,
            "height": 90,
            "file_size": max(size // 4, 1),
        }
        return [thumb, {**file.describe(), "width": 320, "height": 320}]

    def _media_object(self, kind: str, file: _File, params: Mapping[str, Any]) -> Any:
        if kind == "photo":
            return self._photo_sizes(file)
        info = file.describe()
        if kind == "video_note":
            return {
                **info,
                "length": _as_int(params.get("length"), 384),
                "duration": _as_int(params.get("duration"), 0),
            }
        if kind in {"video", "animation"}:
            return {
                **info,
                "width": _as_int(params.get("width"), 384),
                "height": _as_int(params.get("height"), 384),
                "duration": _as_int(params.get("duration"), 0),
            }
        if kind in {"audio", "voice"}:
            return {**info, "duration": _as_int(params.get("duration"), 0)}
        if kind == "sticker":
            return {
                **info,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        return {**info, "file_name": f"file.{file.path.rsplit('.', 1)[-1]}"}

    async def _user_message(
        self, user_id: int, kind: str, fields: dict[str, Any], *, file: _File | None = None
    ) -> int:
        chat = self._chat_of_user(user_id)
        chat.started = True
        message = _Message(chat.next_id(), "user", kind, _now(), file=file)
        if kind == "text":
            message.text = fields["text"]
            message.entities = list(fields.get("entities", []))
        else:
            message.text = fields.get("caption")
            message.media = fields[kind]
        chat.messages[message.message_id] = message
        await self.push_update({"message": {**self._message_api(chat, message), **fields}})
        return message.message_id

    def _message_api(self, chat: _Chat, message: _Message) -> dict[str, Any]:
        if message.sender == "bot":
            sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            sender = chat.user.as_user()
        api: dict[str, Any] = {
            "message_id": message.message_id,
            "from": sender,
            "chat": chat.user.as_chat(),
            "date": message.date,
        }
        if message.edit_date is not None:
            api["edit_date"] = message.edit_date
        if message.kind == "text":
            api["text"] = message.text or ""
            if message.entities:
                api["entities"] = copy.deepcopy(message.entities)
        else:
            api[message.kind] = copy.deepcopy(message.media)
            if message.text:
                api["caption"] = message.text
                if message.entities:
                    api["caption_entities"] = copy.deepcopy(message.entities)
        api.update(message.extra)
        if message.inline_keyboard:
            api["reply_markup"] = {"inline_keyboard": copy.deepcopy(message.inline_keyboard)}
        return api

    def _view(self, chat: _Chat, message: _Message) -> ChatMessage:
        return ChatMessage(
            message_id=message.message_id,
            sender=message.sender,
            kind=message.kind,
            text=message.text,
            reply_markup=[[_button(b) for b in row] for row in message.inline_keyboard or []],
            entities=copy.deepcopy(message.entities),
            file_id=message.file.file_id if message.file else None,
            edited=message.edit_date is not None,
            raw=self._message_api(chat, message),
        )


# --- module helpers -------------------------------------------------------------------------


def _now() -> int:
    return int(time.time())


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    return default


def _type_name(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


def _update_type(update: Mapping[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def _button(raw: Mapping[str, Any]) -> Button:
    return Button(
        text=str(raw.get("text", "")),
        callback_data=raw.get("callback_data"),
        url=raw.get("url"),
        raw=dict(raw),
    )


def _keep_flags(message: _Message, params: Mapping[str, Any]) -> None:
    if params.get("protect_content") is True:
        message.extra["has_protected_content"] = True


def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of a message"
    )


def _failure_error(failure: _Failure) -> ApiError:
    if failure.status == 429:
        retry_after = failure.retry_after if failure.retry_after is not None else 1
        description = failure.description or f"Too Many Requests: retry after {retry_after}"
        return ApiError(429, description, {"retry_after": retry_after})
    default = {
        400: "Bad Request: injected failure",
        403: "Forbidden: bot was blocked by the user",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }.get(failure.status, f"Error {failure.status}")
    return ApiError(failure.status, failure.description or default)


def _render(
    value: Any,
    params: Mapping[str, Any],
    *,
    limit: int,
    what: str,
    entities_key: str,
    allow_empty: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    """Text (or caption) as displayed, plus entities; raises Telegram's errors."""
    source = "" if value is None else str(value)
    parse_mode = str(params.get("parse_mode") or "")
    entities: list[dict[str, Any]] = []
    if parse_mode.upper() == "HTML":
        try:
            text, entities = parse_html(source)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        # Markdown modes are stored as sent (not rendered); explicit entities are kept.
        text = source
        given = params.get(entities_key)
        if isinstance(given, list):
            entities = [dict(e) for e in given]
    text, entities = _strip_text(text, entities)
    if not text and not allow_empty:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request(
            "message is too long" if what == "text" else "message caption is too long"
        )
    return text, entities


def _validated_inline(rows: Any) -> list[list[dict[str, Any]]] | None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Arrays')
    actions = {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if not actions & button.keys():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode())
                if not 1 <= size <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not str(button["url"]).startswith(
                ("http://", "https://", "tg://")
            ):
                raise bad_request("BUTTON_URL_INVALID")
    kept = [list(row) for row in rows if row]
    return kept or None


def _inline_only(markup: Any) -> list[list[dict[str, Any]]] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return _validated_inline(markup["inline_keyboard"])


def _decode(key: str, raw: str) -> Any:
    if key in _TEXT_FIELDS:
        return raw
    if raw[:1] in "[{":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if raw in ("true", "false"):
        return raw == "true"
    if key in _INT_FIELDS and _INT_RE.fullmatch(raw):
        return int(raw)
    return raw


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Query string, urlencoded/multipart form or JSON body -> (params, uploaded files)."""
    params: dict[str, Any] = {key: _decode(key, value) for key, value in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            form: MultiDictProxy[Any] = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        key, value.filename, value.content_type, value.file.read()
                    )
                else:
                    params[key] = _decode(key, str(value))
    return params, files


@pytest.fixture
async def telegram_server() -> AsyncIterator[FakeTelegramServer]:
    """A started fake Bot API server (token `server.token`); stopped after the test."""
    server = FakeTelegramServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    assert not server.internal_errors, "the fake server failed:\n" + "\n".join(
        server.internal_errors
    )
