"""What every endpoint shares: the request, raw answers, parameter parsing, paging, sorting and filters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from demo_engine.errors import invalid
from demo_engine.runtime import Runtime
from demo_engine.store import Store


@dataclass(frozen=True)
class Request:
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    raw: bytes = b""
    content_type: str = ""
    user: str | None = None


@dataclass(frozen=True)
class Raw:
    """An answer that is not JSON (a stack trace, a file)."""

    data: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def boolean(raw: Any, name: str) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    raise invalid(f"Cannot set query parameter '{name}' to value '{raw}'")


def integer(raw: Any, name: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise invalid(f"Cannot set query parameter '{name}' to value '{raw}'")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid(f"Cannot set query parameter '{name}' to value '{raw}'") from None


def listing(raw: Any) -> list[str]:
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [part for part in str(raw).split(",") if part]


def paging(params: dict[str, Any]) -> str:
    first = integer(params.get("firstResult"), "firstResult") or 0
    limit = integer(params.get("maxResults"), "maxResults")
    return f" LIMIT {limit if limit is not None else -1} OFFSET {first}"


def order(sorting: list[dict[str, Any]], columns: dict[str, str], default: str) -> str:
    parts = []
    for item in sorting:
        by, direction = item.get("sortBy"), item.get("sortOrder")
        if by not in columns:
            raise invalid(f"Cannot set query parameter 'sortBy' to value '{by}'")
        if direction not in ("asc", "desc"):
            raise invalid(f"Cannot set query parameter 'sortOrder' to value '{direction}'")
        parts.append(f"{columns[by]} {direction.upper()}")
    return " ORDER BY " + ", ".join([*parts, default])


def sorting_from_params(params: dict[str, Any]) -> list[dict[str, Any]]:
    by, direction = params.get("sortBy"), params.get("sortOrder")
    if by is None and direction is None:
        return []
    if by is None or direction is None:
        raise invalid("Only a single sorting parameter specified. sortBy and sortOrder required")
    return [{"sortBy": by, "sortOrder": direction}]


# Camunda 7's mappings end every LIKE with ESCAPE ${escapeChar}, a backslash on its databases:
# "\\%" and "\\_" in a *Like parameter match a literal percent sign and underscore.
LIKE = "LIKE ? ESCAPE '\\'"


class Filters:
    """SQL conditions and their arguments, built up one filter at a time."""

    def __init__(self, source: dict[str, Any]) -> None:
        self.source = source
        self.clauses: list[str] = []
        self.args: list[Any] = []

    def add(self, clause: str, *args: Any) -> None:
        self.clauses.append(clause)
        self.args.extend(args)

    def equal(self, name: str, column: str) -> None:
        if self.source.get(name) is not None:
            self.add(f"{column} = ?", self.source[name])

    def like(self, name: str, column: str) -> None:
        if self.source.get(name) is not None:
            self.add(f"{column} {LIKE}", self.source[name])

    def among(self, name: str, column: str, *, negate: bool = False) -> None:
        values = listing(self.source.get(name))
        if values:
            self.add(f"{column} {'NOT ' if negate else ''}IN ({','.join('?' * len(values))})", *values)

    def flag(self, name: str, clause: str, *args: Any) -> None:
        if boolean(self.source.get(name), name):
            self.add(clause, *args)

    def compare(self, name: str, column: str, operator: str) -> None:
        if self.source.get(name) is not None:
            self.add(f"{column} {operator} ?", self.source[name])

    def where(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@contextmanager
def command(store: Store, request: Request) -> Iterator[Runtime]:
    """One engine command in one transaction, done by the authenticated user."""
    with store.transaction() as db:
        yield Runtime(db, user=request.user)


def count_of(store: Store, sql: str, args: list[Any]) -> dict:
    return {"count": store.db().execute(sql, args).fetchone()[0]}


def table_page(
    store: Store, params: dict, table: str, f: Filters, sorts: dict[str, str], default: str, dto
) -> list:
    """A sorted, paged list of one table's filtered rows, each as its DTO."""
    sql = f"SELECT * FROM {table}{f.where()}{order(sorting_from_params(params), sorts, default)}{paging(params)}"
    return [dto(row) for row in store.db().execute(sql, f.args)]


def table_count(store: Store, table: str, f: Filters) -> dict:
    return count_of(store, f"SELECT COUNT(*) FROM {table}{f.where()}", f.args)


def body_of(request: Request) -> dict:
    if request.body is None:
        return {}
    if not isinstance(request.body, dict):
        raise invalid("The request body must be a JSON object")
    return request.body


# --- variable filters, of runtime and historic instance queries alike ------------------------------

OPERATORS = {"eq": "=", "neq": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "like": "LIKE"}


def variable_predicates(query: dict[str, Any]) -> list[tuple[str, list]]:
    names_ignore_case = boolean(query.get("variableNamesIgnoreCase"), "variableNamesIgnoreCase")
    values_ignore_case = boolean(query.get("variableValuesIgnoreCase"), "variableValuesIgnoreCase")
    conditions = query.get("variables") or []
    if not isinstance(conditions, list):
        raise invalid("'variables' must be a list of name, operator and value")
    return [variable_predicate(c, names_ignore_case, values_ignore_case) for c in conditions]


def variable_predicate(condition: Any, names_ignore_case: bool | None, values_ignore_case: bool | None):
    """One `name operator value` filter as a condition on a variable row `v`, with its arguments.

    Like the engine's, it matches global variables (of the process instance itself), so each
    instance has at most one row per name.
    """
    if not isinstance(condition, dict):
        raise invalid("A variable filter is an object with name, operator and value")
    name, operator, value = condition.get("name"), condition.get("operator"), condition.get("value")
    if not name or operator not in OPERATORS:
        raise invalid(f"Invalid variable comparator specified: {operator}")
    name_clause = "lower(v.name) = lower(?)" if names_ignore_case else "v.name = ?"
    if isinstance(value, bool):
        column, value = "v.text", "true" if value else "false"
    elif isinstance(value, int | float):
        column = "v.number"
    elif operator in ("gt", "gteq", "lt", "lteq") and _is_number(value):
        column, value = "v.number", float(value)  # type: ignore[arg-type]  # _is_number checked it
    else:
        column, value = "v.text", None if value is None else str(value)
    if column == "v.number" and operator == "like":
        raise invalid("Booleans and numbers cannot be used in a like comparison")
    if value is None:
        if operator not in ("eq", "neq"):
            raise invalid(f"Invalid variable comparator specified: {operator} with null")
        return f"{name_clause} AND v.type {'=' if operator == 'eq' else '!='} 'Null'", [name]
    if values_ignore_case and column == "v.text":
        column, value = f"lower({column})", str(value).lower()
    if operator == "like":
        return f"{name_clause} AND {column} {LIKE}", [name, value]
    return f"{name_clause} AND {column} {OPERATORS[operator]} ?", [name, value]


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False
