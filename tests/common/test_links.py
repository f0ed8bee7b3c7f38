"""common.links.url_with_id writes what reverse() writes, whatever the prefix or URL conf."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings
from django.urls import reverse, set_script_prefix

from common.links import url_with_id

NAMES = [
    "meetings:meeting_detail",
    "workplans:item_detail",
    "coordination:person_detail",
    "coordination:handover_task_update",
    "statements:statement_detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 42, 2**63 - 1])
def test_it_is_reverse(name, pk):
    assert url_with_id(name, pk) == reverse(name, kwargs={"pk": pk})


def test_the_script_prefix_is_kept():
    try:
        set_script_prefix("/hub/")
        assert url_with_id("workplans:item_detail", 7) == "/hub/workplans/items/7/"
        assert url_with_id("workplans:item_detail", 7) == reverse(
            "workplans:item_detail", kwargs={"pk": 7}
        )
    finally:
        set_script_prefix("/")
    assert url_with_id("workplans:item_detail", 7) == "/workplans/items/7/"


def test_another_url_conf_is_another_address():
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert url_with_id("workplans:item_detail", 7) == reverse(
            "workplans:item_detail", kwargs={"pk": 7}
        )
