"""Blanking secrets out of text: log records, `check` output, LLM error descriptions."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "***"
# Upstreams sometimes echo a partly masked key (`sk-...abcd1234`): the tail of a long
# secret is hidden too.
TAIL_FROM_LENGTH = 12
TAIL_LENGTH = 8


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret, and of the tail of a long one, with `***`.
    The longest first, so a secret inside another (or inside a tail) is hidden whole."""
    needles = {s for s in secrets if s}
    needles |= {s[-TAIL_LENGTH:] for s in needles if len(s) >= TAIL_FROM_LENGTH}
    for needle in sorted(needles, key=len, reverse=True):
        text = text.replace(needle, MASK)
    return text
