# trainer_bot image: one image for the bot (`run`, the default command) and for the
# one-shot `migrate` service in docker-compose.yml. Build it with `docker compose build`.
#
# Layout (matters for Alembic): the source lives in /app and is imported from there
# (PYTHONPATH=/app), so trainer_bot.config.PROJECT_ROOT == /app and
# trainer_bot/db/migrations.py finds /app/alembic.ini and /app/migrations. The project
# itself is NOT pip-installed: a second copy in site-packages would have PROJECT_ROOT ==
# site-packages, where alembic.ini does not exist.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: a virtualenv with the runtime dependencies only ---------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml requirements.lock ./
# Only [project.dependencies]: the dev extra (pytest, ruff, mypy, aiogram-dialog[tools]
# with diagrams/graphviz, the embedded test servers) never reaches the image. The versions
# are those of requirements.lock (used as constraints: it pins every package the tests ran
# with, dev tools included, and constrains only what is installed), so the image runs what
# CI tested. This layer depends on pyproject.toml and requirements.lock alone, so a
# code-only update rebuilds in seconds.
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && cat requirements.txt \
    && /opt/venv/bin/pip install -c requirements.lock -r requirements.txt \
    && /opt/venv/bin/pip check

# ---- runtime ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="trainer_bot" \
      org.opencontainers.image.description="AI gym trainer Telegram bot"

# LOG_FILE is empty: logs go to stdout/stderr only, i.e. to `docker logs`
# (docker-compose.yml forces it empty too, because .env may still name a file).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FILE=""

RUN groupadd --system --gid 10001 trainer \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin trainer

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Owned by root and read-only for the bot user: the process cannot modify its own code.
# No .env here: configuration comes from the environment (compose `env_file`).
COPY alembic.ini ./
COPY migrations ./migrations
COPY dialogs ./dialogs
COPY trainer_bot ./trainer_bot

# Fail the build, not the first start, when a runtime file or dependency is missing.
RUN test -f alembic.ini \
    && test -f migrations/env.py \
    && test -d migrations/versions \
    && test -f trainer_bot/data/exercises.toml \
    && ls trainer_bot/assets/*.mp4 \
    && python -m compileall -q /app \
    && python -c "import trainer_bot.app; from trainer_bot.config import PROJECT_ROOT; from trainer_bot.db.migrations import alembic_config; from alembic.script import ScriptDirectory; assert str(PROJECT_ROOT) == '/app', PROJECT_ROOT; print('migration heads:', ScriptDirectory.from_config(alembic_config('sqlite://')).get_heads())"

USER 10001:10001

# Liveness of a long-polling bot that serves no port. There is no point checking that the
# process is alive: PID 1 *is* the bot, and when it exits the container stops and the
# restart policy handles it. What can silently break is the path to its services, so the
# check opens one TCP connection to each host named in DATABASE_URL and REDIS_URL
# (postgres:5432, redis:6379 under compose). That is cheap (no login, no query, no log
# noise on the server), needs no extra package (no pg_isready/redis-cli in this image),
# and skips SQLite/unix-socket URLs. It cannot see a hung event loop; that needs an
# in-app heartbeat.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, socket, urllib.parse as up; [socket.create_connection((u.hostname, u.port or port), timeout=5).close() for var, port in (('DATABASE_URL', 5432), ('REDIS_URL', 6379)) for u in [up.urlsplit(os.environ.get(var) or '')] if u.hostname]"]

# `docker run IMAGE` starts the bot; `docker run IMAGE migrate` applies migrations.
# Python is PID 1 and aiogram stops polling cleanly on SIGTERM (`docker stop`).
ENTRYPOINT ["python", "-m", "trainer_bot"]
CMD ["run"]
