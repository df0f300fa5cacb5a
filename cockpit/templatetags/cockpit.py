"""Small pieces of markup drawn many times a page: as tags in Python, not templates included per use."""

import re
from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeData

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


# Characters that reorder the text after them (embeddings, overrides, isolates): an engine value holding
# one could make "P9gnp.exe" read as "exe.png9P". They are drawn as visible marks instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _marked(text: str) -> str:
    """Escaped text with each direction control drawn as a visible mark."""
    pieces = []
    last = 0
    for control in _BIDI_CONTROLS.finditer(text):
        pieces.append(escape(text[last : control.start()]))
        pieces.append(
            format_html(
                '<span class="bidi-control" title="a text-direction control character">[U+{}]</span>',
                f"{ord(control.group()):04X}",
            )
        )
        last = control.end()
    pieces.append(escape(text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def bdi(value) -> str:
    """Engine-supplied text shown inline: isolated from the text around it (<bdi>), its direction
    controls made visible. Escaped like any other value: each piece is escaped, the marks are ours."""
    if value is None or value == "":
        return value
    if isinstance(value, SafeData):  # our own markup around engine text escaped before: isolate it whole
        return format_html("<bdi>{}</bdi>", value)
    return format_html("<bdi>{}</bdi>", _marked(str(value)))


@register.filter
def bidi_marks(value) -> str:
    """For text that is a block of its own (a table cell), already isolated by layout: only the direction
    controls made visible. Markup (a cell drawn by the table) is left as it is."""
    if value is None or isinstance(value, SafeData):
        return value
    return _marked(str(value))


@register.simple_tag
def unreadable(item) -> str:
    """An item the engine sent that the dashboard could not read: say so, with its raw id ("" if readable)."""
    reason = getattr(item, "unreadable", "")
    if not reason:
        return ""
    return format_html(
        '<span class="unreadable" role="note">Could not be read (id {}): {}</span>', bdi(item.id), bdi(reason)
    )


@register.filter
def when(moment: datetime | None) -> str:
    """The one way a date and time is shown: minutes in the user's time zone, and on hover the exact
    instant (milliseconds, the zone, and UTC) for whoever compares it with an engine's log."""
    if not isinstance(moment, datetime):
        return "—"
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    local = timezone.localtime(moment)
    instant = moment.astimezone(UTC)
    exact = f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 1000:03d} {local.tzname()}"
    if local.utcoffset():
        exact += f" ({instant:%Y-%m-%d %H:%M:%S} UTC)"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        instant.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        exact,
        f"{local:%Y-%m-%d %H:%M}",
    )
