"""The system check on SITE_URL: production (DEBUG off) must say where people reach the site;
the embedded mode of `make run` and the tests never trip it."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

from common.checks import site_url_configured


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.mark.parametrize(
    "site_url",
    [
        "http://localhost:8000",  # the default, when nothing sets it
        "http://127.0.0.1:8765",
        "http://[::1]:8000",
        "http://hub.localhost",
    ],
)
def test_production_on_a_local_address_is_an_error(settings, site_url):
    settings.DEBUG = False
    settings.SITE_URL = site_url

    (error,) = site_url_configured()

    assert error.id == "common.E003"
    assert site_url in error.msg
    assert "SITE_URL" in error.hint


def test_the_check_runs_with_every_check_not_only_deploy(settings):
    settings.DEBUG = False
    settings.SITE_URL = "http://localhost:8000"

    assert "common.E003" in ids(run_checks())


def test_production_with_its_address_passes(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://hub.example.org"

    assert site_url_configured() == []


def test_the_embedded_mode_of_make_run_passes(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8765"

    assert site_url_configured() == []


def test_the_tests_own_settings_pass():
    assert "common.E003" not in ids(run_checks())


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("site_url", ["hub.example.org", "ftp://hub.example.org", "https://"])
def test_an_address_that_is_no_web_address_is_an_error_even_in_debug(settings, debug, site_url):
    settings.DEBUG = debug
    settings.SITE_URL = site_url

    assert ids(site_url_configured()) == ["common.E002"]
