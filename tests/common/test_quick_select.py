"""common.forms.QuickSelect writes the markup Django's Select writes, without its templates."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.forms import QuickSelect
from coordination.models import Organisation

CHOICES = [("", "---------"), (1, "UNICEF"), ("2", "Ivan & <Ines>"), (3, "Café ‘quoted’")]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", 1, "2", "3", "not a choice"])
@pytest.mark.parametrize(
    "attrs", [{"id": "id_owner"}, {"id": "x", "required": True, "disabled": False, "class": "a"}]
)
def test_the_markup_is_djangos(value, attrs):
    django = forms.Select(choices=CHOICES).render("owner", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("owner", value, attrs)
    assert squeeze(str(quick)) == squeeze(str(django))


def test_grouped_choices_are_left_to_django():
    grouped = [("Europe", [("at", "Austria"), ("fr", "France")]), ("", "None")]
    django = forms.Select(choices=grouped).render("country", "fr")
    assert squeeze(str(QuickSelect(choices=grouped).render("country", "fr"))) == squeeze(
        str(django)
    )


def test_a_bound_form_field_renders_with_its_label_id_and_required():
    class Form(forms.Form):
        owner = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)

    html = str(Form({"owner": "2"})["owner"])
    assert 'name="owner"' in html and 'id="id_owner"' in html and " required" in html
    assert '<option value="2" selected>Ivan &amp; &lt;Ines&gt;</option>' in html


@pytest.mark.django_db
def test_a_model_choice_is_read_in_one_query_without_counting(organisation):
    field = forms.ModelChoiceField(queryset=Organisation.objects.all(), widget=QuickSelect)
    with CaptureQueriesContext(connection) as queries:
        html = field.widget.render("organisation", organisation.pk)
    assert "UNICEF" in html
    assert len(queries) == 1 and "COUNT" not in queries[0]["sql"]
