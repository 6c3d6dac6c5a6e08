"""Static checks of the deployment files: Dockerfile, docker-compose.yml, deploy/.

Fast and offline; no Docker engine needed. `docker-compose config` (or `docker compose
config`) validates the compose file; without either binary that test is skipped on a
workstation and fails when the `CI` environment variable is set.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
SYSTEMD_UNIT = ROOT / "deploy" / "trainer-bot.service"
SCRIPTS = [ROOT / "deploy" / name for name in ("update.sh", "backup.sh", "restore.sh")]

# Values that docker-compose.yml must override for the bot inside the stack.
SAMPLE_ENV = """\
BOT_TOKEN=123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
DATABASE_URL=sqlite:///somewhere-else.sqlite3
REDIS_URL=redis://somewhere-else:6379/5
LOG_FILE=./logs/trainer_bot.log
POSTGRES_USER=botuser
POSTGRES_PASSWORD=s3cretpassw0rd
POSTGRES_DB=botdb
"""


def _require_tool(found: bool, message: str) -> None:
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(
            f"{message}; CI is set, so this is an error (apt-get install -y docker-compose)"
        )
    pytest.skip(message)


def _compose_command() -> list[str] | None:
    if binary := shutil.which("docker-compose"):
        return [binary]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    return None


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in dockerfile.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        result.append((keyword.upper(), args.strip()))
        pending = ""
    return result


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions(DOCKERFILE.read_text(encoding="utf-8"))
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered_compose(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`config -q` must pass; returns the fully resolved config for further checks."""
    command = _compose_command()
    _require_tool(command is not None, "neither docker-compose nor `docker compose` is installed")
    assert command is not None
    project = tmp_path_factory.mktemp("compose")
    shutil.copy(COMPOSE_FILE, project / "docker-compose.yml")
    shutil.copy(DOCKERFILE, project / "Dockerfile")
    (project / ".env").write_text(SAMPLE_ENV, encoding="utf-8")
    # A clean environment: variables of the CI shell (POSTGRES_USER...) must not leak in.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project)}

    def config(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "config", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    quiet = config("-q")
    assert quiet.returncode == 0, quiet.stderr
    full = config()
    assert full.returncode == 0, full.stderr
    return yaml.safe_load(full.stdout)


# --- docker-compose.yml -----------------------------------------------------------------


def test_compose_config_is_valid(rendered_compose: dict[str, Any]) -> None:
    assert set(rendered_compose["services"]) == {"postgres", "redis", "migrate", "bot"}


def test_compose_config_overrides_urls_from_env_file(rendered_compose: dict[str, Any]) -> None:
    services = rendered_compose["services"]
    bot_env = services["bot"]["environment"]
    assert bot_env["BOT_TOKEN"] == "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert bot_env["DATABASE_URL"] == "postgresql://botuser:s3cretpassw0rd@postgres:5432/botdb"
    assert bot_env["REDIS_URL"].startswith("redis://redis:6379/")
    assert bot_env["LOG_FILE"] == ""
    assert services["migrate"]["environment"]["DATABASE_URL"] == bot_env["DATABASE_URL"]
    postgres_env = services["postgres"]["environment"]
    assert postgres_env == {
        "POSTGRES_USER": "botuser",
        "POSTGRES_PASSWORD": "s3cretpassw0rd",
        "POSTGRES_DB": "botdb",
    }


def test_compose_publishes_no_ports(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert "ports" not in service, f"{name} publishes ports"
        assert service.get("network_mode") != "host", f"{name} uses the host network"


def test_compose_services_have_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_compose_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    for name, target in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        mounts = [str(volume) for volume in compose["services"][name].get("volumes", [])]
        sources = {m.split(":")[0] for m in mounts if m.split(":")[1] == target}
        assert sources, f"{name} keeps {target} in the container only"
        assert sources <= declared, f"{name}: {sources} are not named volumes"
    assert "--appendonly" in compose["services"]["redis"]["command"]


def test_compose_bot_waits_for_services_and_migrations(compose: dict[str, Any]) -> None:
    services = compose["services"]
    bot, migrate = services["bot"], services["migrate"]
    assert bot["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert bot["restart"] == "unless-stopped"
    assert bot["env_file"] == ".env"
    assert migrate["command"] == ["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["image"] == bot["image"]


def test_compose_rotates_container_logs(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        logging = service.get("logging", {})
        assert logging.get("driver") == "json-file", name
        assert {"max-size", "max-file"} <= set(logging.get("options", {})), name


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_python_slim() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    froms = [args for keyword, args in _instructions(text) if keyword == "FROM"]
    assert len(froms) >= 2
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, re.MULTILINE)


def test_dockerfile_runs_as_non_root() -> None:
    users = [args for keyword, args in _final_stage() if keyword == "USER"]
    assert users, "the final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert user == "10001"


def test_dockerfile_has_healthcheck_and_starts_the_bot() -> None:
    final = dict(_final_stage())
    assert "HEALTHCHECK" in final
    assert not final["HEALTHCHECK"].upper().startswith("NONE")
    assert final["ENTRYPOINT"] == '["python", "-m", "trainer_bot"]'
    assert final["CMD"] == '["run"]'


def test_dockerfile_bakes_in_no_secrets() -> None:
    instructions = _instructions(DOCKERFILE.read_text(encoding="utf-8"))
    for keyword, args in instructions:
        if keyword in {"COPY", "ADD"}:
            sources = [a for a in args.split()[:-1] if not a.startswith("--")]
            assert not any(".env" in source for source in sources), args
            assert "." not in sources, f"copies the whole build context: {args}"
        if keyword in {"ENV", "ARG"}:
            assert not re.search(r"(TOKEN|PASSWORD|API_KEY)\s*=", args), args
    ignored = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    # An allow-list (`*` first): .env and anything new at the top level stay out by default;
    # inside the allowed folders .env files are excluded by name.
    assert ignored[0] == "*", ignored
    assert "**/.env" in ignored, ignored
    assert not any(line.startswith("!.env") for line in ignored)


def test_dockerfile_installs_runtime_dependencies_only() -> None:
    runs = " ".join(
        args for keyword, args in _instructions(DOCKERFILE.read_text()) if keyword == "RUN"
    )
    assert "[dev]" not in runs
    for tool in ("pytest", "ruff", "mypy", "graphviz", "[tools]", "-e ."):
        assert tool not in runs, tool
    assert "['project']['dependencies']" in runs


def test_dockerfile_installs_the_locked_versions() -> None:
    """The image runs the versions the tests ran with: requirements.lock reaches the
    builder stage before the install and constrains it."""
    instructions = _instructions(DOCKERFILE.read_text(encoding="utf-8"))
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    builder = instructions[:last_from]
    copies = [
        i
        for i, (keyword, args) in enumerate(builder)
        if keyword == "COPY" and "requirements.lock" in args.split()[:-1]
    ]
    installs = [
        i for i, (keyword, args) in enumerate(builder) if keyword == "RUN" and "pip install" in args
    ]
    assert copies, "requirements.lock is not copied into the builder stage"
    assert len(installs) == 1
    assert copies[0] < installs[0]
    install = builder[installs[0]][1]
    assert re.search(r"pip install -c requirements\.lock -r requirements\.txt( |$)", install)
    assert "pip check" in install
    allowed = {line[1:] for line in DOCKERIGNORE.read_text().split() if line[0] == "!"}
    assert "requirements.lock" in allowed


def test_lock_pins_every_package_of_the_image() -> None:
    """Constraints bind only the packages they name: every runtime dependency and every
    package those pull in (as installed here) needs its line in requirements.lock."""
    locked = {
        _normalized(line.partition("==")[0])
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pending = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    needed: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = _normalized(requirement.name)
        if name in needed:
            continue
        needed.add(name)
        for text in importlib.metadata.requires(requirement.name) or []:
            dependency = Requirement(text)
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in {"", *requirement.extras}
            ):
                pending.append(dependency)
    assert needed - locked == set(), "not in requirements.lock: run `make lock`"


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_dockerfile_copies_every_runtime_file() -> None:
    copied = {
        args.split()[0].rstrip("/")
        for keyword, args in _final_stage()
        if keyword == "COPY" and not args.startswith("--from")
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert {"alembic.ini", "migrations", *packages} <= copied
    allowed = {line[1:].rstrip("/") for line in DOCKERIGNORE.read_text().split() if line[0] == "!"}
    # With the allow-list .dockerignore, whatever is copied must also be allowed.
    assert copied <= allowed
    for name in copied:
        assert (ROOT / name).exists(), name
    assert list((ROOT / "trainer_bot" / "assets").glob("*.mp4"))
    assert (ROOT / "trainer_bot" / "data" / "exercises.toml").is_file()


def test_dockerignore_keeps_local_state_out() -> None:
    patterns = [
        line
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if patterns[0] == "*":
        reincluded = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
        for private in (".env", ".venv", ".git", "logs", "data", "preview", "tests", "backups"):
            assert private not in reincluded, private
    else:
        for private in (".env", ".venv", ".git", "logs", "data", "preview", "tests"):
            assert any(p.strip("/") == private for p in patterns), private


# --- systemd unit and scripts ----------------------------------------------------------


def test_systemd_unit_starts_compose_after_docker() -> None:
    unit = SYSTEMD_UNIT.read_text(encoding="utf-8")
    lines = {line.strip() for line in unit.splitlines()}
    assert "Requires=docker.service" in lines
    assert any(line.startswith("After=") and "docker.service" in line for line in lines)
    assert "WorkingDirectory=/opt/trainer_bot" in lines
    assert any(re.fullmatch(r"ExecStart=\S*docker compose up -d.*", line) for line in lines)
    assert any(line.startswith("ExecStop=") and "compose down" in line for line in lines)
    assert not any(line.startswith("ExecStop=") and " -v" in line for line in lines)
    assert "WantedBy=multi-user.target" in lines


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_deploy_script_is_valid_bash(script: Path) -> None:
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(script, os.X_OK), f"{script.name} is not executable (chmod +x)"
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_deploy_script_passes_shellcheck(script: Path) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (optional)")
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
