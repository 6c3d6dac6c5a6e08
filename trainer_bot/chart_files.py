"""Where a rendered chart waits to be shown.

aiogram-dialog shows media from a path, a URL or a Telegram file_id, never from bytes, so
each user's latest chart is a file in a directory of this process (removed when the
process exits; a restarted bot draws the chart again on request). The name carries a hash
of the picture: the same chart keeps its path, a new one gets a new path, so the dialog
replaces the photo only when it changed.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path

_directory: Path | None = None
_latest: dict[int, Path] = {}  # telegram id -> the file of their latest chart, oldest first
# Charts kept at once (about 3 KB each); the oldest is removed beyond this: its window then
# asks for «📉 График» again.
MAX_KEPT = 1000


def _charts_directory() -> Path:
    global _directory
    if _directory is None or not _directory.is_dir():
        _directory = Path(tempfile.mkdtemp(prefix="trainer_bot_charts_"))
        atexit.register(shutil.rmtree, _directory, True)
    return _directory


def _write(directory: Path, telegram_id: int, png: bytes) -> Path:
    path = directory / f"chart-{telegram_id}-{hashlib.sha256(png).hexdigest()[:16]}.png"
    if not path.exists():
        path.write_bytes(png)
    for older in directory.glob(f"chart-{telegram_id}-*.png"):
        if older != path:
            older.unlink(missing_ok=True)
    return path


def _forget(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def save_chart(telegram_id: int, png: bytes) -> Path:
    """Keep `png` as the user's latest chart (written in a worker thread); its path."""
    path = await asyncio.to_thread(_write, _charts_directory(), telegram_id, png)
    _latest.pop(telegram_id, None)
    _latest[telegram_id] = path  # the newest last
    evicted = [_latest.pop(oldest) for oldest in list(_latest)[: max(0, len(_latest) - MAX_KEPT)]]
    if evicted:
        await asyncio.to_thread(_forget, evicted)
    return path


def latest_chart(telegram_id: int) -> Path | None:
    """The user's latest chart file, if this process drew one (no disk access)."""
    return _latest.get(telegram_id)
