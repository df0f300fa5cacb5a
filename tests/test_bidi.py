"""Engine text with text-direction controls: isolated where it sits inline, the controls shown, escaped."""

import pytest
from django.utils.safestring import mark_safe

from cockpit.templatetags.cockpit import bdi, bidi_marks
from engines.errors import EngineServerError

pytestmark = pytest.mark.django_db


def test_a_right_to_left_override_is_isolated_and_shown_as_a_mark():
    shown = bdi("\u202eP9gnp.exe")
    assert shown.startswith("<bdi>") and shown.endswith("</bdi>")
    assert "[U+202E]</span>P9gnp.exe" in shown and "\u202e" not in shown


def test_markup_is_escaped_around_and_between_the_marks():
    assert bdi("<b>\u2067x</b>") == (
        '<bdi>&lt;b&gt;<span class="bidi-control" title="a text-direction control character">[U+2067]</span>'
        "x&lt;/b&gt;</bdi>"
    )


def test_a_cell_gets_the_marks_without_a_wrapper_and_markup_of_ours_is_left_alone():
    assert bidi_marks("plain") == "plain"
    assert "[U+202D]" in bidi_marks("\u202dx")
    ours = mark_safe('<a href="/x">\u202ey</a>')
    assert bidi_marks(ours) is ours and bdi(ours) == f"<bdi>{ours}</bdi>"


def test_an_engine_message_in_the_error_banner_is_isolated(client_as, monkeypatch):
    from instances import views

    def failing(*args, **kwargs):
        raise EngineServerError("\u202eevil message", engine="demo", status=500)

    monkeypatch.setattr(views, "filtered", failing)
    body = client_as("Viewer").get("/e/demo/instances/").content.decode()
    assert "<p><bdi>" in body and "[U+202E]</span>evil message" in body
