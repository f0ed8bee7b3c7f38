"""The one registry mechanism: entries named by path, added in AppConfig.ready, imported on
first read, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from common import registry
from common.registry import Registry

ROOT = Path(__file__).resolve().parent.parent.parent

FIRST = "first"
SECOND = "second"


def test_entries_are_read_in_order_then_in_the_order_added():
    points: Registry[str] = Registry("test")
    points.add("tests.common.test_registry.SECOND", order=20)
    points.add("tests.common.test_registry.FIRST", order=10)
    points.add("tests.common.test_registry.SECOND", order=5)  # again: the first addition holds
    assert list(points) == ["first", "second"]
    points.remove("tests.common.test_registry.FIRST")
    assert list(points) == ["second"]


def test_a_wrong_path_fails_when_read_not_when_added():
    points: Registry[object] = Registry("test")
    points.add("tests.common.test_registry.NOT_THERE")
    try:
        points.entries()
    except ImportError:
        pass
    else:  # pragma: no cover - the assertion below says what went wrong
        raise AssertionError("a missing entry must fail loudly")


def test_each_app_contributes_through_the_registries():
    assert {section.kind for section in registry.digest_sections} == {
        "work_items",
        "lead_told",
        "meetings",
        "rsvps",
        "minutes",
        "actions",
        "news",
        "handover",
        "statement_comments",
        "statement_endorsements",
        "mapping_profile",
        "mapping_reviews",
    }
    loaders = [loader.__module__ for loader in registry.demo_loaders]
    assert loaders[0] == "coordination.demo"  # the group first: the others refer to it
    assert {"workplans.demo", "meetings.demo", "statements.demo"} <= set(loaders)
    assert {kind.code for kind in registry.email_kinds} >= {"invitation", "item_assigned"}


def test_starting_the_site_imports_no_demonstration_data():
    code = (
        "import django, sys; django.setup(); "
        "from django.urls import resolve; resolve('/'); "
        "print(sorted(m for m in sys.modules if m.endswith('.demo')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_a_mistyped_entry_is_a_system_check_error():
    from common.checks import registry_entries_import

    assert registry_entries_import() == []
    registry.dashboard_blocks.add("workplans.dashboard.no_such_block")
    try:
        (error,) = registry_entries_import()
    finally:
        registry.dashboard_blocks.remove("workplans.dashboard.no_such_block")
    assert error.id == "common.E001" and "no_such_block" in error.msg
