"""A streamed chat completion, piece by piece: server-sent events, the answer they carry,
and the plan's JSON as far as it has arrived.

- `SSEDecoder` turns the raw bytes of the response into event payloads. The bytes are
  decoded as one text (an incremental UTF-8 decoder), never chunk by chunk: a network
  chunk may end inside a Cyrillic letter.
- `StreamedAnswer` gathers the `data: {chunk}` payloads into the shape of a
  non-streamed completion (content, refusal, finish_reason, usage), so the rest of the
  pipeline reads both the same way.
- `PartialPlan` follows the answer's JSON text as it grows and says which of the plan's
  texts are complete and which exercise objects are closed (an unclosed object may still
  change: `"sets": 3` can become `"sets": 30`).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json

DONE = "[DONE]"
# The plan's texts a draft may show once they are complete.
ROOT_TEXTS = ("focus", "title", "rationale", "warmup")
# Root object, the `exercises` array, one exercise object.
_EXERCISE_DEPTH = 3


class StreamProtocolError(ValueError):
    """A chunk that is not what an OpenAI-compatible stream sends."""


class SSEDecoder:
    """Bytes in, `data` payloads out (one per event; multi-line data joined with \\n).

    Lines may end with \\n, \\r\\n or \\r; comment lines (`: keep-alive`) and other
    fields (`event:`, `id:`) are ignored: OpenAI sends only `data:` lines.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._data: list[str] = []

    def feed(self, raw: bytes) -> list[str]:
        self._buffer += self._decoder.decode(raw)
        return self._drain()

    def close(self) -> list[str]:
        """The end of the body: what a last line without a newline held."""
        self._buffer += self._decoder.decode(b"", final=True)
        if self._buffer:
            self._buffer += "\n"
        events = self._drain()
        if self._data:
            events.append("\n".join(self._data))
            self._data = []
        return events

    def _drain(self) -> list[str]:
        events: list[str] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                return events
            line, self._buffer = self._buffer[: cut[0]], self._buffer[cut[1] :]
            if not line:
                if self._data:
                    events.append("\n".join(self._data))
                    self._data = []
                continue
            name, _, value = line.partition(":")
            if name == "data":
                self._data.append(value.removeprefix(" "))


def _line_end(text: str) -> tuple[int, int] | None:
    """(where the first line ends, where the next begins), or None while it is open."""
    newline, carriage = text.find("\n"), text.find("\r")
    if carriage < 0 or 0 <= newline < carriage:
        return None if newline < 0 else (newline, newline + 1)
    if carriage + 1 == len(text):
        return None  # a \r\n may be split between two chunks
    return carriage, carriage + (2 if text[carriage + 1] == "\n" else 1)


@dataclass
class StreamedAnswer:
    """The chunks of one streamed completion, added up."""

    content: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    done: bool = False  # `data: [DONE]` arrived
    chunks: int = 0

    def add(self, payload: str) -> str:
        """One event's payload; returns the content it added ('' for none)."""
        if payload.strip() == DONE:
            self.done = True
            return ""
        try:
            chunk = json.loads(payload)
        except ValueError:
            raise StreamProtocolError("a stream chunk is not JSON") from None
        if not isinstance(chunk, dict):
            raise StreamProtocolError("a stream chunk is not a JSON object")
        if chunk.get("error") is not None:
            raise StreamProtocolError(f"error in the stream: {json.dumps(chunk['error'])[:200]}")
        self.chunks += 1
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = usage
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return ""  # the usage chunk (empty choices), or a keep-alive
        choice = choices[0]
        reason = choice.get("finish_reason")
        if isinstance(reason, str):
            self.finish_reason = reason
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return ""
        refusal = delta.get("refusal")
        if isinstance(refusal, str):
            self.refusal.append(refusal)
        text = delta.get("content")
        if isinstance(text, str) and text:
            self.content.append(text)
            return text
        return ""

    @property
    def complete(self) -> bool:
        """The model said it finished (a cut connection never says so)."""
        return self.finish_reason is not None

    def as_completion(self) -> dict[str, Any]:
        """The body a non-streamed call would have returned."""
        data: dict[str, Any] = {
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": "".join(self.content) if self.content else None,
                        "refusal": "".join(self.refusal) or None,
                    },
                    "finish_reason": self.finish_reason,
                }
            ],
        }
        if self.usage is not None:
            data["usage"] = self.usage
        return data


class PartialPlan:
    """The answer's JSON text so far: complete root texts and closed exercise objects.

    A small scanner follows strings, escapes and nesting across chunks (each character
    is read once); the text is parsed only when something closed: a root-level string
    (pydantic-core's partial mode leaves an unfinished string out) or an exercise object
    (sliced out whole, parsed with `json.loads`).
    """

    def __init__(self) -> None:
        self.text = ""
        self.texts: dict[str, str] = {}
        self.exercises: list[Any] = []  # closed exercise objects, in arrival order
        self._scanned = 0
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._object_start = -1

    def feed(self, delta: str) -> bool:
        """Add a piece of the answer; True when a text or an exercise was completed."""
        self.text += delta
        texts_closed = False
        closed_objects: list[str] = []
        text = self.text
        for index in range(self._scanned, len(text)):
            char = text[index]
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif char == "\\":
                    self._escaped = True
                elif char == '"':
                    self._in_string = False
                    texts_closed = texts_closed or self._depth == 1
            elif char == '"':
                self._in_string = True
            elif char in "{[":
                self._depth += 1
                if char == "{" and self._depth == _EXERCISE_DEPTH:
                    self._object_start = index
            elif char in "}]":
                if char == "}" and self._depth == _EXERCISE_DEPTH and self._object_start >= 0:
                    closed_objects.append(text[self._object_start : index + 1])
                    self._object_start = -1
                self._depth -= 1
        self._scanned = len(text)
        for raw in closed_objects:
            try:
                self.exercises.append(json.loads(raw))
            except ValueError:
                self.exercises.append(None)  # counted, never shown
        texts_changed = False
        if texts_closed:  # a key or a value: parsed to see which
            before = dict(self.texts)
            self._read_texts()
            texts_changed = self.texts != before
        return texts_changed or bool(closed_objects)

    def _read_texts(self) -> None:
        try:
            data = from_json(self.text, allow_partial=True)
        except ValueError:
            return
        if isinstance(data, dict):
            for name in ROOT_TEXTS:
                value = data.get(name)
                if isinstance(value, str):
                    self.texts[name] = value
