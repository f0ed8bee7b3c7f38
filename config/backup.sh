#!/bin/sh
# Backs up the database (pg_dump, custom format) and the uploaded files (a tarball of MEDIA_ROOT)
# into BACKUP_DIR under one date stamp, then deletes backups older than BACKUP_KEEP_DAYS.
# docker-compose.yml runs it in the backup service, every BACKUP_INTERVAL_HOURS; BACKUP_ONCE=1
# makes one backup and exits (the restore drill, tests/test_backup.py, and a manual backup).
# config/restore.sh puts a pair of files back.
#
# The database is DATABASE_URL (postgres://user:password@host:port/name) or, if that is unset,
# the libpq variables PGHOST, PGUSER, PGPASSWORD, PGDATABASE.
set -eu
# A backup holds everything the site keeps (password hashes, sessions, personal data): readable
# by its owner only.
umask 077

BACKUP_DIR=${BACKUP_DIR:-/backups}
MEDIA_ROOT=${MEDIA_ROOT:-/app/var/media}
BACKUP_INTERVAL_HOURS=${BACKUP_INTERVAL_HOURS:-24}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_ONCE=${BACKUP_ONCE:-}
# A failed run (the database restarting, a full disk) is tried again this soon rather than a
# whole interval later.
RETRY_MINUTES=15

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

dump_database() {
    if [ -n "${DATABASE_URL:-}" ]; then
        pg_dump --format=custom --no-password --dbname="$DATABASE_URL" --file="$1"
    else
        pg_dump --format=custom --no-password --file="$1"
    fi
}

backup_once() {
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    dump="$BACKUP_DIR/hub-$stamp.dump"
    media="$BACKUP_DIR/hub-$stamp-media.tar.gz"
    mkdir -p "$BACKUP_DIR" "$MEDIA_ROOT"
    # Each file is written under a .partial name and renamed when complete, so a run cut off
    # half-way never leaves a file that looks like a good backup.
    dump_database "$dump.partial"
    # --numeric-owner: the app's user (uid 10001) does not exist in the postgres image, and the
    # restored files must belong to it again.
    tar --create --gzip --numeric-owner --file="$media.partial" --directory="$MEDIA_ROOT" .
    mv "$dump.partial" "$dump"
    mv "$media.partial" "$media"
    log "wrote $dump ($(du -h "$dump" | cut -f1)) and $media ($(du -h "$media" | cut -f1))"
    # Pruned only after a backup succeeded, so failing runs never delete the last good one.
    find "$BACKUP_DIR" -maxdepth 1 -type f -name 'hub-*' -mmin +$((BACKUP_KEEP_DAYS * 24 * 60)) \
        -print -exec rm -f {} + | sed 's/^/deleted old backup /'
}

if [ -n "$BACKUP_ONCE" ]; then
    backup_once
    exit 0
fi

log "every ${BACKUP_INTERVAL_HOURS}h into $BACKUP_DIR, keeping ${BACKUP_KEEP_DAYS} days"
while :; do
    # A fresh shell per run, so that `set -e` stops the run at its first failing step (inside an
    # `if` condition a function would carry on past it).
    if BACKUP_ONCE=1 sh "$0"; then
        sleep $((BACKUP_INTERVAL_HOURS * 3600))
    else
        # Leftover .partial files are from this failed run; the next run writes new ones.
        rm -f "$BACKUP_DIR"/*.partial
        log "FAILED; trying again in ${RETRY_MINUTES} minutes"
        sleep $((RETRY_MINUTES * 60))
    fi
done
