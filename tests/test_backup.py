"""The restore drill: what config/backup.sh writes, config/restore.sh puts back.

It runs the two scripts the backup service of docker-compose.yml runs, against a PostgreSQL
database of its own (a copy of the test database, so it has the real schema) on the tests' server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Model

from coordination.models import Organisation
from meetings.models import Document, Meeting
from tests import factories
from tests.conftest import require
from workplans.models import WorkItem

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "config" / "backup.sh"
RESTORE = ROOT / "config" / "restore.sh"
DRILL_DATABASE = "coord_restore_drill"
TOOLS = ("sh", "tar", "pg_dump", "pg_restore", "psql")


def _tool(name: str) -> str:
    return shutil.which(name) or name


def _libpq_env(database: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": database, "PGUSER": db["USER"] or "postgres"}
    env |= {"PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _database_url(database: str) -> str:
    env = _libpq_env(database)
    password = f":{quote(env['PGPASSWORD'], safe='')}" if "PGPASSWORD" in env else ""
    return (
        f"postgres://{quote(env['PGUSER'], safe='')}{password}"
        f"@{env['PGHOST']}:{env['PGPORT']}/{database}"
    )


def _psql(database: str, sql: str) -> str:
    result = subprocess.run(
        [_tool("psql"), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        env=_libpq_env(database),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _value(model: type[Model], column: str, where: str = "TRUE") -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    # Table names come from the models and the conditions from this file, not from input.
    return _psql(DRILL_DATABASE, f"SELECT {column} FROM {table} WHERE {where}")  # noqa: S608


def _run(script: Path, *args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [_tool("sh"), str(script), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_the_rows_and_the_uploaded_files(
    settings: Any, tmp_path: Path
) -> None:
    require(connection.vendor == "postgresql", "a PostgreSQL DATABASE_URL")
    require(all(shutil.which(tool) for tool in TOOLS), "PostgreSQL's client tools")
    media_root = tmp_path / "media"
    backups = tmp_path / "backups"
    settings.MEDIA_ROOT = media_root

    organisation = factories.OrganisationFactory(acronym="DRILL", name="Restore drill")
    item = cast(
        WorkItem,
        factories.WorkItemFactory(title="Survives a restore", lead_organisation=organisation),
    )
    meeting = cast(Meeting, factories.MeetingFactory(title="Drill meeting"))
    document = Document.objects.create(
        meeting=meeting,
        title="Minutes",
        file=ContentFile(b"the minutes, as uploaded", name="minutes.txt"),
        size=24,
        content_type="text/plain",
    )
    stored_name = document.file.name
    assert stored_name
    uploaded = media_root / stored_name
    assert uploaded.read_bytes() == b"the minutes, as uploaded"

    # The drill works on a copy, so the scripts' DROP SCHEMA never touches the test database.
    # The copy is dumped and restored rather than made from a template: a template must have no
    # other connection, and a live server or worker of an earlier test may still hold one.
    source = connection.settings_dict["NAME"]
    _psql("postgres", f"DROP DATABASE IF EXISTS {DRILL_DATABASE} WITH (FORCE)")
    _psql("postgres", f"CREATE DATABASE {DRILL_DATABASE}")
    dump = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner"],
        env=_libpq_env(source),
        capture_output=True,
        timeout=120,
        check=True,
    )
    subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", DRILL_DATABASE],
        env=_libpq_env(DRILL_DATABASE),
        input=dump.stdout,
        capture_output=True,
        timeout=120,
        check=True,
    )
    try:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(DRILL_DATABASE),
            "BACKUP_DIR": str(backups),
            "MEDIA_ROOT": str(media_root),
            "BACKUP_ONCE": "1",
        }
        migrations = _psql(DRILL_DATABASE, "SELECT count(*) FROM django_migrations")

        _run(BACKUP, env=env)
        dumps = sorted(backups.glob("hub-*.dump"))
        tarballs = sorted(backups.glob("hub-*-media.tar.gz"))
        assert len(dumps) == len(tarballs) == 1
        assert not list(backups.glob("*.partial"))

        # The disaster: the data and the uploaded files are gone, and a stray file appeared.
        organisations = connection.ops.quote_name(Organisation._meta.db_table)
        _psql(DRILL_DATABASE, f"TRUNCATE {organisations} CASCADE")
        assert _value(Organisation, "count(*)") == "0"
        shutil.rmtree(media_root)
        media_root.mkdir()
        (media_root / "stray.txt").write_text("not in the backup")

        _run(RESTORE, str(dumps[0]), env=env)

        assert _value(Organisation, "name", "acronym = 'DRILL'") == "Restore drill"
        assert _value(WorkItem, "title", f"id = {item.pk}") == "Survives a restore"
        assert _value(Document, "file") == stored_name
        assert _psql(DRILL_DATABASE, "SELECT count(*) FROM django_migrations") == migrations
        assert uploaded.read_bytes() == b"the minutes, as uploaded"
        assert not (media_root / "stray.txt").exists()
    finally:
        _psql("postgres", f"DROP DATABASE IF EXISTS {DRILL_DATABASE} WITH (FORCE)")


@pytest.mark.parametrize("script", [BACKUP, RESTORE], ids=lambda script: script.name)
def test_the_backup_service_runs_the_drilled_scripts(script: Path) -> None:
    # The service mounts the files this drill runs; a rename on one side would leave it without.
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"./config/{script.name}:/usr/local/bin/{script.name}:ro" in compose
    syntax = subprocess.run([_tool("sh"), "-n", str(script)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
