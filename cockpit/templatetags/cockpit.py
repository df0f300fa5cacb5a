"""Small pieces of markup drawn many times a page: as tags in Python, not templates included per use."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def copy_button(value, label: str = "Copy") -> str:
    """A button that copies the value (cockpit.js); the value travels escaped in an attribute."""
    return format_html(
        '<button type="button" class="copy" data-copy="{}" aria-label="{}" title="{}">copy</button>',
        value,
        label,
        label,
    )
