"""The one adapter between engine lists and django-tables2.

The engine sorts and pages; the table only declares columns and draws what one page
holds. A page asks for one row more than it shows, to know whether a next page exists
without waiting for a count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy

from engines.queries import Sort, SortKey

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE_SHOWN = 200


class _EngineSorted(TableListData):
    """Rows as the engine sorted them: never re-sorted in memory."""

    def order_by(self, aliases):
        pass


class EngineTable(tables.Table):
    """Base for tables of engine rows. `engine_sort` maps column names to the list's sort keys (each
    adapter spells them for its engine); only those columns are sortable."""

    engine_sort: dict[str, SortKey] = {}
    engine_name = ""  # the engine in the page's URL, for links from cells

    def link(self, name: str, *args: str) -> str:
        """A URL under the table's engine."""
        return reverse(name, args=[self.engine_name, *args])

    def __init__(self, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(_EngineSorted(rows), **kwargs)
        for name, column in self.columns.items():
            column.column.orderable = name in self.engine_sort


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int
    has_next: bool
    shown: int

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def previous_offset(self) -> int:
        return max(0, self.offset - self.limit)

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def first_row(self) -> int:
        return self.offset + 1 if self.shown else 0

    @property
    def last_row(self) -> int:
        return self.offset + self.shown


def _whole(raw: str | None, default: int, *, low: int, high: int) -> int:
    try:
        return min(max(int(raw), low), high) if raw is not None else default
    except ValueError:
        return default


def engine_table(
    request: HttpRequest,
    table_class: type[EngineTable],
    fetch: Callable[[Sort | None, int, int], list[Any]],
    *,
    default_sort: str | None = None,
    exclude: tuple[str, ...] = (),
) -> tuple[EngineTable, Page]:
    """One page of an engine list as a table: reads ?sort=, ?offset= and ?limit= from the request;
    `exclude` leaves columns out (the row selection for someone who cannot act on rows)."""
    limit = _whole(request.GET.get("limit"), DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE_SHOWN)
    offset = _whole(request.GET.get("offset"), 0, low=0, high=10**9)
    order_by = request.GET.get("sort") or default_sort
    sort = None
    if order_by and OrderBy(order_by).bare in table_class.engine_sort:
        column = OrderBy(order_by)
        sort = Sort(table_class.engine_sort[column.bare], "desc" if column.is_descending else "asc")
    else:
        order_by = None
    rows = fetch(sort, offset, limit + 1)
    table = table_class(rows[:limit], order_by=order_by, exclude=exclude)
    table.engine_name = request.resolver_match.kwargs.get("engine", "") if request.resolver_match else ""
    return table, Page(offset=offset, limit=limit, has_next=len(rows) > limit, shown=min(len(rows), limit))


PAGING = ("offset", "limit", "sort")


def filter_string(data: QueryDict) -> str:
    """A list's query string without its paging and sorting: the filter, to count, export or act on."""
    kept = data.copy()
    for key in PAGING:
        kept.pop(key, None)
    return kept.urlencode()


def unknown_filters(data: QueryDict, known: Iterable[str]) -> list[str]:
    """The query string's names that are neither a filter of the list nor paging: a list names them
    to the person instead of dropping them silently (an old link, a typo)."""
    known = set(known) | set(PAGING)
    return [name for name in data if name not in known]
