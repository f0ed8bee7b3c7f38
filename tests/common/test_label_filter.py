"""The `label` template filter gives what get_FOO_display gives, in the reader's language."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from common.templatetags.hub import label
from tests import factories
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s for s, _ in WorkItem.Status.choices])
def test_it_is_get_foo_display(status):
    item = WorkItem(status=status)
    assert str(label(item, "status")) == item.get_status_display()


def test_a_value_outside_the_choices_is_shown_as_it_is():
    item = WorkItem(status="something_else")
    assert label(item, "status") == item.get_status_display() == "something_else"


def test_it_follows_the_readers_language():
    item = factories.WorkItemFactory(status="at_risk")
    template = Template('{% load hub %}{{ item|label:"status" }}')
    english = template.render(Context({"item": item}))
    with translation.override("fr"):
        french = template.render(Context({"item": item}))
        assert french == item.get_status_display()
    assert english == "At risk" and french != english


def test_a_lazy_person_and_what_is_not_a_model():
    person = factories.PersonFactory(role="principal")
    lazy = SimpleLazyObject(lambda: person)
    assert str(label(lazy, "role")) == person.get_role_display()
    assert label(AnonymousUser(), "role") == ""
