#!/usr/bin/env bash
# Restore the database from a backup made by deploy/backup.sh:
# stop the bot, pg_restore --clean --if-exists (one transaction), migrate, start the bot.
#
#   deploy/restore.sh backups/trainer_bot-20250101-033000.dump
#   deploy/restore.sh --yes backups/trainer_bot-20250101-033000.dump   # no question
#
# Everything written since that backup is lost. A failed pg_restore changes nothing
# (it runs in a single transaction) and the bot is started again.
set -euo pipefail

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
usage() { echo "Usage: $0 [--yes] BACKUP_FILE"; }

assume_yes=0
backup_file=""
for arg in "$@"; do
  case $arg in
    -y | --yes) assume_yes=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $arg" ;;
    *)
      [[ -z $backup_file ]] || { usage >&2; die "one backup file only"; }
      backup_file=$arg
      ;;
  esac
done
[[ -n $backup_file ]] || { usage >&2; exit 2; }
[[ -f $backup_file && -r $backup_file ]] || die "cannot read backup file: $backup_file"
# Absolute before the cd below: the path may be relative to the caller's directory.
backup_file=$(realpath -- "$backup_file")
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "neither 'docker compose' nor 'docker-compose' is installed (see docs/deploy.md)"
fi

if ((!assume_yes)); then
  [[ -t 0 ]] || die "no terminal to confirm on: pass --yes to restore without a question"
  echo "This REPLACES the bot's database with $backup_file."
  echo "Everything written since that backup will be lost."
  read -r -p "Type 'yes' to continue: " answer
  [[ $answer == yes ]] || die "aborted, nothing changed"
fi

stage="start"
on_exit() {
  local status=$?
  ((status == 0)) && return
  case $stage in
    restore)
      echo "pg_restore failed: it ran in one transaction, so the database is unchanged." >&2
      echo "Starting the bot again." >&2
      "${COMPOSE[@]}" up -d bot || true
      ;;
    migrate)
      echo "The backup is restored but migrations failed; the bot stays stopped." >&2
      echo "See the error above, then run: ${COMPOSE[*]} up -d" >&2
      ;;
  esac
}
trap on_exit EXIT

echo "==> Starting PostgreSQL if needed"
"${COMPOSE[@]}" up -d postgres
ready=0
for _ in $(seq 1 30); do
  # shellcheck disable=SC2016
  if "${COMPOSE[@]}" exec -T postgres sh -c \
    'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'; then
    ready=1
    break
  fi
  sleep 2
done
((ready)) || die "PostgreSQL did not become ready in 60 s: ${COMPOSE[*]} logs postgres"

echo "==> Stopping the bot"
"${COMPOSE[@]}" stop bot
stage="restore"

echo "==> Restoring $backup_file"
# shellcheck disable=SC2016
"${COMPOSE[@]}" exec -T postgres sh -c \
  'pg_restore -U "$POSTGRES_USER" -d "$POSTGRES_DB" --clean --if-exists --no-owner --single-transaction' \
  <"$backup_file"
stage="migrate"

echo "==> Applying migrations (the backup may predate the current code)"
"${COMPOSE[@]}" run --rm migrate
stage="start-bot"

echo "==> Starting the bot"
"${COMPOSE[@]}" up -d
"${COMPOSE[@]}" ps
echo "Restored from $backup_file."
