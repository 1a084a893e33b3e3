"""``{% fixed %}`` blocks (ikmo/templatetags/fixed.py): rendered once per language and reused,
refused at compile time when they hold anything that may differ between requests, and the
base layout renders exactly as it would without them, in every language, signed in or not.
"""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError, engines
from django.template.base import NodeList
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation

from tests import factories


def _compile(source: str):
    return engines["django"].from_string("{% load i18n static fixed %}" + source)


def _render(template) -> str:
    return template.render({})


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user.email }}",
        "{% if user %}x{% endif %}",
        "{% csrf_token %}",
        "{% translate title %}",
        '{% translate "Save" as label %}',
        '{% translate "Save"|upper %}',
        '{% translate "May" context month %}',
        "{% url 'organisations:detail' pk %}",
        "{% url 'home' as home %}",
        "{% static path %}",
        "{% static 'css/app.css' as css %}",
        "{% for x in items %}{% endfor %}",
        "{% include 'includes/form_actions.html' %}",
        "{% blocktranslate %}Hello{% endblocktranslate %}",
    ],
)
def test_a_fixed_block_refuses_what_may_differ_between_requests(inside):
    with pytest.raises(TemplateSyntaxError, match="fixed"):
        _compile("{% fixed %}<p>" + inside + "</p>{% endfixed %}")


def test_a_fixed_block_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError, match="no arguments"):
        _compile("{% fixed now %}x{% endfixed %}")


def test_a_fixed_block_is_rendered_once_per_language_and_then_reused():
    template = _compile(
        '{% fixed %}<a href="{% url "privacy:my_data" %}">{% translate "My data" %}</a>'
        '<script src="{% static "js/app.js" %}"></script>{% endfixed %}'
    )
    renders = []
    original = NodeList.render

    def counting(nodelist, context):
        renders.append(translation.get_language())
        return original(nodelist, context)

    with mock.patch.object(NodeList, "render", counting):
        with translation.override("de"):
            german = _render(template)
            assert _render(template) == german
        with translation.override("en"):
            english = _render(template)
        with translation.override("de"):
            assert _render(template) == german
    # The template's own nodelist renders on every call; the fixed block's only once a language.
    assert renders.count("de") == 3 + 1 and renders.count("en") == 1 + 1
    assert (
        german
        == '<a href="/privacy/my-data/">Meine Daten</a><script src="/static/js/app.js"></script>'
    )
    assert (
        english
        == '<a href="/privacy/my-data/">My data</a><script src="/static/js/app.js"></script>'
    )


def test_a_fixed_block_follows_the_url_prefix_the_portal_is_mounted_under():
    template = _compile('{% fixed %}{% url "privacy:my_data" %}{% endfixed %}')
    with translation.override("de"):
        assert _render(template) == "/privacy/my-data/"
        set_script_prefix("/portal/")
        try:
            assert _render(template) == "/portal/privacy/my-data/"
        finally:
            set_script_prefix("/")
        assert _render(template) == "/privacy/my-data/"


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_base_layout_renders_as_it_would_without_fixed_blocks(signed_in):
    """The same page, character for character, in every interface language (the CSRF
    token is masked differently on every render, so it is compared as a placeholder)."""
    source = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert source.count("{% fixed %}") >= 5
    plain = engines["django"].from_string(re.sub(r"{% (end)?fixed %}", "", source))
    layout = engines["django"].get_template("base.html")
    user = (
        factories.UserFactory(first_name="Ayşe", last_name="Demir")
        if signed_in
        else AnonymousUser()
    )

    def page(template):
        request = RequestFactory().get("/qualifizierung/?q=<x>")
        request.user, request.session = user, SessionBase()
        request._messages = FallbackStorage(request)
        get_token(request)
        html = template.render({}, request)
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "TOKEN", html)

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected = page(plain)
            assert page(layout) == expected, code
            assert page(layout) == expected, code  # and again, from what was kept
    assert ('<form action="/accounts/logout/"' in expected) is signed_in
