"""Query rows into the domains' dataclasses: a reader per dataclass, and the two fetch shapes every queries module uses.

A reader takes each field from the row's column of the same name, so a
dataclass and its columns are listed once (in the model and in the SELECT);
extra columns, such as the rights a caller checks, are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

from asyncmy.cursors import DictCursor

T = TypeVar("T")
Row = Mapping[str, Any]


def row_reader(model: type[T], **convert: Callable[[Any], Any]) -> Callable[[Row], T]:
    """A function that builds `model` (a dataclass) from a row; `convert` names the columns that need
    converting first (MySQL's BOOLEAN reads as 0 or 1)."""
    names = [field.name for field in fields(model)]
    if unknown := set(convert) - set(names):
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")

    def read(row: Row) -> T:
        return model(**{name: convert[name](row[name]) if name in convert else row[name] for name in names})

    return read


async def fetch_one(cur: DictCursor, read: Callable[[Row], T], sql: str, params: tuple) -> T | None:
    """The query's first row through `read`; None when it finds nothing."""
    await cur.execute(sql, params)
    row = await cur.fetchone()
    return read(row) if row is not None else None


async def fetch_all(cur: DictCursor, read: Callable[[Row], T], sql: str, params: tuple) -> list[T]:
    """Every row of the query through `read`, in the query's order."""
    await cur.execute(sql, params)
    return [read(row) for row in await cur.fetchall()]
