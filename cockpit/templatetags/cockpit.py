"""Small pieces of markup drawn many times a page: as tags in Python, not templates included per use."""

import re
from datetime import UTC, datetime

from django import template
from django.conf import settings
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


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


def when_text(moment: datetime | None) -> str:
    """`when` as plain text, for sentences built in Python (a message, a filter in words)."""
    if not isinstance(moment, datetime):
        return "—"
    return f"{_local(moment):%Y-%m-%d %H:%M}"


def when_tick(moment: datetime, *, hourly: bool) -> str:
    """A chart axis's short mark in the same form: the hour ("09:00") or the day ("11-05")."""
    return f"{_local(moment):%H:%M}" if hourly else f"{_local(moment):%m-%d}"


@register.filter
def when(moment: datetime | None) -> str:
    """The one way a date and time is shown: minutes in the user's time zone, and on hover the exact
    instant (milliseconds, the zone, and UTC) for whoever compares it with an engine's log."""
    if not isinstance(moment, datetime):
        return "—"
    local = _local(moment)
    instant = moment.astimezone(UTC)
    exact = f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 1000:03d} {local.tzname()}"
    if local.utcoffset():
        exact += f" ({instant:%Y-%m-%d %H:%M:%S} UTC)"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        instant.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        exact,
        when_text(moment),
    )


# Units a person reads a length of time in, largest first; a duration shows its two largest.
_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1_000))


@register.filter
def duration(millis: int | float | None) -> str:
    """The one way a length of time is shown: its two largest units ("2 d 3 h", "4 min 12 s"), below a
    second in milliseconds, and the exact milliseconds on hover."""
    if not isinstance(millis, int | float) or isinstance(millis, bool) or millis < 0:
        return "—"
    exact = f"{int(millis):,}"
    return format_html('<span class="duration" title="{} ms">{}</span>', exact, duration_text(millis))


def duration_text(millis: int | float) -> str:
    """The words of `duration` without its markup, for what is drawn by script (a diagram's overlay)."""
    whole = int(millis)
    if whole < 1_000:
        return f"{whole} ms"
    first = next(i for i, (_, size) in enumerate(_UNITS) if whole >= size)
    parts = []
    rest = whole
    for unit, size in _UNITS[first : first + 2]:
        amount, rest = divmod(rest, size)
        if amount or not parts:
            parts.append(f"{amount} {unit}")
    return " ".join(parts)


@register.filter
def number(value: int | float | None) -> str:
    """The one way a count is shown: digits grouped in thousands ("2,250")."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—" if value is None else str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


@register.inclusion_tag("lists/_live.html")
def live_toggle(regions: str) -> dict[str, object]:
    """The switch that has the page redraw the regions (element ids, space-separated) by itself."""
    return {"regions": regions, "every": settings.COCKPIT_LIVE_SECONDS}
