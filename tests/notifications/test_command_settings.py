"""A management command reads the same configuration as the site: run as a person runs it, in a
process of its own, from another directory, with SITE_URL and GROUP_NAME only in a .env file, its
emails link to the configured site and name the configured group."""

from __future__ import annotations

import email
import http.server
import io
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coordination.models import Organisation
from tests import factories

SITE_URL = "https://hub.example.org"
GROUP_NAME = "Groupe de coordination (essai)"
# Every variable that could carry the configuration another way than the file under test.
SCRUBBED = {"SITE_URL", "GROUP_NAME", "DEFAULT_FROM_EMAIL", "ENV_FILE", "EMAIL_URL", "DEBUG"}
LINK = re.compile(r"""https?://[^\s"'<>]+""")


def database_url() -> str:
    """The test database, as a URL the command's process reads from its environment."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        return f"postgres://{user}{password}@{host}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def manage(*args: str, cwd: Path, env_file: Path, **extra: str) -> subprocess.CompletedProcess:
    """`python manage.py ...` as a person types it, from `cwd`, configured by `env_file`."""
    environment = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    environment |= {"ENV_FILE": str(env_file), "DATABASE_URL": database_url(), **extra}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def messages(folder: Path) -> list[EmailMessage]:
    """Every message the file backend wrote: one file per connection, messages separated by a
    line of dashes."""
    found = []
    for path in sorted(folder.iterdir()):
        for raw in re.split(r"^-{79}$", path.read_text(), flags=re.MULTILINE):
            if raw.strip():
                message = email.message_from_string(raw.lstrip("\n"), policy=policy.default)
                found.append(message)
    return found


def texts(message: EmailMessage) -> list[str]:
    return [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]


@pytest.mark.django_db(transaction=True)
def test_send_digests_links_to_the_configured_site_and_names_the_configured_group(tmp_path):
    organisation = factories.OrganisationFactory(acronym="UNICEF")
    person = factories.PersonFactory(organisation=organisation, email="focal@example.org")
    factories.WorkItemFactory(
        lead_organisation=organisation,
        title="Regional study",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    env_file = tmp_path / "production.env"
    env_file.write_text(f'SITE_URL={SITE_URL}/\nGROUP_NAME="{GROUP_NAME}"\n')
    mail_dir = tmp_path / "mail"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = manage(
        "send_digests",
        "--everyone",
        cwd=elsewhere,
        env_file=env_file,
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(mail_dir),
    )

    assert result.returncode == 0, result.stderr
    (digest,) = [m for m in messages(mail_dir) if m["To"] == person.email]
    assert digest["Subject"].startswith(f"{GROUP_NAME}: ")
    bodies = texts(digest)
    assert len(bodies) == 2  # plain text and HTML
    for body in bodies:
        links = LINK.findall(body)
        assert any("/workplans/" in link for link in links), links
        elsewhere_links = [
            link for link in links if link != SITE_URL and not link.startswith(f"{SITE_URL}/")
        ]
        assert elsewhere_links == []
    assert digest["List-Unsubscribe"].strip().startswith(f"<{SITE_URL}/")


def test_the_celery_app_reads_the_same_file_from_any_directory(tmp_path):
    """The worker and beat load config.celery, whose configuration is these settings: the file's
    SITE_URL for the emails it renders, its broker for itself."""
    env_file = tmp_path / "production.env"
    env_file.write_text(
        f"SITE_URL={SITE_URL}\nGROUP_NAME={GROUP_NAME}\nCELERY_BROKER_URL=memory://configured\n"
    )
    environment = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    environment |= {"ENV_FILE": str(env_file), "PYTHONPATH": str(settings.BASE_DIR)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)  # config.celery sets it, as for the worker
    code = (
        "from config.celery import app; from django.conf import settings; "
        "print(app.conf.broker_url); print(settings.SITE_URL); print(settings.GROUP_NAME)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result.stdout.splitlines() == ["memory://configured", SITE_URL, GROUP_NAME]


# --- make run's banner (load_demo --logins-only) --------------------------------------------------


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """A web server that has started: it sends everyone to the login page."""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "/accounts/login/")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_the_banner_waits_for_the_web_server_then_prints_its_address_and_the_group(
    settings, web_server
):
    settings.GROUP_NAME = GROUP_NAME
    url, _server = web_server
    out = io.StringIO()

    started = time.monotonic()
    call_command("load_demo", "--logins-only", "--wait", "30", "--url", url, stdout=out)

    assert time.monotonic() - started < 10  # the answer (a redirect) ended the wait
    banner = out.getvalue()
    assert f"{GROUP_NAME} is running at  {url}\n" in banner
    assert f"open to everyone at {url}mapping/\n" in banner
    assert "secretariat@demo.example" in banner
    assert not Organisation.objects.exists()  # printed, nothing loaded


@pytest.mark.django_db
def test_the_banner_without_an_address_shows_site_url_with_one_slash(settings):
    settings.SITE_URL = SITE_URL
    out = io.StringIO()

    call_command("load_demo", "--logins-only", stdout=out)

    assert f"is running at  {SITE_URL}/\n" in out.getvalue()
    assert f"open to everyone at {SITE_URL}/mapping/\n" in out.getvalue()
