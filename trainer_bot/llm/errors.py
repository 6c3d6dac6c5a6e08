"""Errors of the LLM call and a short description of ProxyAPI's error bodies.

ProxyAPI answers its own checks with `{"detail": "..."}` and passes OpenAI's errors
through as `{"error": {"message", "type", "param", "code"}}`; a broken upstream may also
answer with an HTML page or nothing at all. `describe_error_body` turns any of these into
one short line that is safe to log (the caller redacts secrets: `trainer_bot.redaction`).
"""

from __future__ import annotations

import json
from typing import Any

from trainer_bot.formatting import shorten

DESCRIPTION_LIMIT = 200


def _shorten(text: str, limit: int) -> str:
    """One line: whitespace runs collapsed, then cut to `limit`."""
    return shorten(" ".join(text.split()), limit)


def _describe_detail(detail: Any) -> str:
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        # FastAPI-style validation errors: [{"loc": [...], "msg": "..."}]
        parts = []
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return json.dumps(detail, ensure_ascii=False)


def _describe_openai_error(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    message = str(error.get("message") or "").strip() or "no message"
    extras = [
        f"{key}={error[key]}" for key in ("type", "code", "param") if error.get(key) is not None
    ]
    return f"{message} ({', '.join(extras)})" if extras else message


def describe_error_body(body: bytes | str | None, *, limit: int = DESCRIPTION_LIMIT) -> str:
    """One short line describing an error response body of any shape."""
    if body is None:
        return "empty body"
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not text.strip():
        return "empty body"
    try:
        data = json.loads(text)
    except ValueError:
        return _shorten(f"non-JSON body: {text}", limit)
    if isinstance(data, dict):
        if "error" in data and data["error"] is not None:
            return _shorten(_describe_openai_error(data["error"]), limit)
        if "detail" in data:
            return _shorten(_describe_detail(data["detail"]), limit)
        if isinstance(data.get("message"), str):
            return _shorten(data["message"], limit)
    return _shorten(f"unexpected body: {text}", limit)


class LLMCallError(Exception):
    """The chat completion call failed; `reason` is a short machine-readable code.

    Reasons: `http_<status>`, `timeout`, `connection_error`, `invalid_response` (a 2xx body
    that is not a JSON object), `circuit_open`, `no_key`. The message never holds secrets.
    """

    def __init__(
        self,
        reason: str,
        description: str = "",
        *,
        status: int | None = None,
        attempts: int = 0,
    ) -> None:
        self.reason = reason
        self.description = description
        self.status = status
        self.attempts = attempts
        super().__init__(f"{reason}: {description}" if description else reason)


class CircuitOpenError(LLMCallError):
    """The circuit breaker is open: no HTTP call was made."""

    def __init__(self, retry_in_seconds: float) -> None:
        self.retry_in_seconds = retry_in_seconds
        super().__init__("circuit_open", f"LLM calls paused for {retry_in_seconds:.0f} s")
