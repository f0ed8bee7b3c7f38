#!/bin/sh
# Puts back a backup written by config/backup.sh: the database from DUMP and the uploaded files
# from MEDIA_TARBALL (by default the tarball with the same date stamp beside the dump).
#
#   restore.sh /backups/hub-20250101T020000Z.dump [/backups/hub-20250101T020000Z-media.tar.gz]
#
# Everything now in the database's public schema and in MEDIA_ROOT is replaced. Stop the web,
# worker and beat first, so that nothing writes while it runs (README, "Restoring a backup").
# The database is DATABASE_URL or, if that is unset, the libpq variables PGHOST, PGUSER,
# PGPASSWORD, PGDATABASE.
set -eu

MEDIA_ROOT=${MEDIA_ROOT:-/app/var/media}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DUMP [MEDIA_TARBALL]" >&2
    exit 2
fi
dump=$1
media=${2:-${dump%.dump}-media.tar.gz}

log() { printf '%s restore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

psql_db() {
    if [ -n "${DATABASE_URL:-}" ]; then
        psql --no-psqlrc --no-password --dbname="$DATABASE_URL" "$@"
    else
        psql --no-psqlrc --no-password "$@"
    fi
}

# Both files are read through before anything is deleted: a truncated or unreadable backup
# stops here and the current data stays as it is.
pg_restore --list "$dump" >/dev/null
tar --list --gzip --file="$media" >/dev/null

log "restoring the database from $dump"
# One transaction: the schema is dropped and rebuilt, and if any statement of the dump fails the
# whole restore rolls back. --no-owner and --no-privileges let the dump load into a database
# whose user has another name than the one it was taken from.
{
    echo 'SET client_min_messages = warning;'
    echo 'DROP SCHEMA public CASCADE;'
    echo 'CREATE SCHEMA public;'
    # If pg_restore stops half-way, psql would commit what it got: these lines fail the
    # transaction instead (the \. first ends a COPY the dump may have been cut off in).
    pg_restore --no-owner --no-privileges --file=- "$dump" || {
        printf '\n\\.\n'
        echo "DO \$\$ BEGIN RAISE EXCEPTION 'pg_restore could not read the dump'; END \$\$;"
    }
} | psql_db --single-transaction --set=ON_ERROR_STOP=1 --quiet >/dev/null

log "restoring the uploaded files from $media into $MEDIA_ROOT"
mkdir -p "$MEDIA_ROOT"
# MEDIA_ROOT is often a volume's mount point, which cannot be replaced: empty it instead.
find "$MEDIA_ROOT" -mindepth 1 -delete
tar --extract --gzip --numeric-owner --file="$media" --directory="$MEDIA_ROOT"
log "done"
