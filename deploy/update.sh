#!/usr/bin/env bash
# Update a running deployment to the newest commit of the current branch:
# git pull --ff-only, build the image, apply migrations, restart the bot, prune old images.
#
#   deploy/update.sh
#
# A failed step stops the script; until the final `up` the old bot keeps running, so a
# failed build or migration leaves the bot as it was (PostgreSQL runs each migration in
# a transaction).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "neither 'docker compose' nor 'docker-compose' is installed (see docs/deploy.md)"
fi

[[ -f .env ]] || die ".env is missing in $PWD: cp .env.example .env and set BOT_TOKEN"

step "Pulling the code (git pull --ff-only)"
before=$(git rev-parse --short HEAD)
git pull --ff-only
after=$(git rev-parse --short HEAD)
if [[ $before == "$after" ]]; then
  echo "Already at $after; rebuilding anyway (picks up base image security updates)."
else
  echo "Updated $before -> $after:"
  git log --oneline -n 20 "$before..$after"
fi

step "Building the image (${COMPOSE[*]} build --pull)"
"${COMPOSE[@]}" build --pull

step "Applying migrations (${COMPOSE[*]} run --rm migrate)"
"${COMPOSE[@]}" run --rm migrate

step "Restarting the bot with the new image (${COMPOSE[*]} up -d)"
"${COMPOSE[@]}" up -d --remove-orphans
"${COMPOSE[@]}" ps

step "Removing superseded trainer_bot images"
docker image prune --force --filter "label=org.opencontainers.image.title=trainer_bot"

step "Last bot log lines"
"${COMPOSE[@]}" logs --tail=20 bot
echo
echo "Done. Follow the logs with: ${COMPOSE[*]} logs -f bot"
