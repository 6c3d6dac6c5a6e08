#!/usr/bin/env bash
# Dump the PostgreSQL database of the running stack to
# ./backups/trainer_bot-YYYYmmdd-HHMMSS.dump (pg_dump custom format) and keep the newest
# KEEP_BACKUPS files (default 14).
#
#   deploy/backup.sh
#   KEEP_BACKUPS=30 BACKUP_DIR=/srv/trainer_bot-backups deploy/backup.sh
#
# Nightly from cron (crontab -e as root):
#   30 3 * * * /opt/trainer_bot/deploy/backup.sh >> /var/log/trainer_bot-backup.log 2>&1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

keep=${KEEP_BACKUPS:-14}
backup_dir=${BACKUP_DIR:-$PWD/backups}
[[ $keep =~ ^[1-9][0-9]*$ ]] || die "KEEP_BACKUPS must be a positive number, got '$keep'"

if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "neither 'docker compose' nor 'docker-compose' is installed (see docs/deploy.md)"
fi

# Dumps hold users' data: readable by the owner only.
umask 077
mkdir -p "$backup_dir"
target="$backup_dir/trainer_bot-$(date +%Y%m%d-%H%M%S).dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

echo "$(date '+%F %T') Dumping the database to $target"
# POSTGRES_USER/POSTGRES_DB are read inside the container, as the server was set up.
# shellcheck disable=SC2016
"${COMPOSE[@]}" exec -T postgres sh -c 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc' \
  >"$partial"
# A dump that pg_restore cannot read is no backup: check it before it counts.
"${COMPOSE[@]}" exec -T postgres pg_restore --list <"$partial" >/dev/null \
  || die "the dump is unreadable; kept nothing"
mv "$partial" "$target"
echo "$(date '+%F %T') Backup written: $target ($(du -h "$target" | cut -f1))"

# Names sort by time; delete all but the newest $keep.
shopt -s nullglob
backups=("$backup_dir"/trainer_bot-*.dump)
excess=$((${#backups[@]} - keep))
for ((i = 0; i < excess; i++)); do
  echo "Removing old backup ${backups[i]}"
  rm -f -- "${backups[i]}"
done
