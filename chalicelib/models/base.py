"""What every PynamoDB model shares: a table name bound to the stage at call time."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.attributes import Attribute, ListAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.settings import table_prefix


class StageTableName:
    """``Meta.table_name`` that reads the stage's prefix when PynamoDB asks for it.

    PynamoDB reads ``Meta.table_name`` on every call, so binding it lazily keeps
    environment reads out of import time and lets tests point models at their tables.
    """

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix

    def __get__(self, instance: Any, owner: Any) -> str:
        return f"{table_prefix()}{self.suffix}"


class StageRegion:
    """``Meta.region`` read from the standard AWS variables when first needed."""

    def __get__(self, instance: Any, owner: Any) -> str:
        return current_region()


def current_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


@lru_cache(maxsize=4)
def _connection(region: str, endpoint_url: str | None) -> Connection:
    return Connection(region=region, host=endpoint_url)


def write_transaction() -> TransactWrite:
    """A DynamoDB write transaction on a connection reused across calls (one per region and endpoint,
    so code pointed at another DynamoDB, as the local stack's tools are, never writes to the old one)."""
    return TransactWrite(connection=_connection(current_region(), os.environ.get("AWS_ENDPOINT_URL")))


ModelT = TypeVar("ModelT", bound=Model)


def unread_item(model: type[ModelT], hash_key: Any, range_key: Any = None) -> ModelT:
    """An item to update without reading it first (an ``ADD`` that commutes with any other change).

    Update it with ``add_version_condition=False``. PynamoDB moves a version it knows by ``ADD 1`` but
    SETs an unknown one to 1, which would set a versioned item back (and let a save that read an old
    version win); so the version here is a known placeholder, never written as such.
    """
    item = model(hash_key, range_key) if range_key is not None else model(hash_key)
    if item._version_attribute_name is not None:
        setattr(item, item._version_attribute_name, 0)
    return item


class IntegerAttribute(Attribute[int]):
    """A DynamoDB number that is always a Python ``int`` (money in minor units, counts)."""

    attr_type = NUMBER

    def serialize(self, value: int) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self.attr_name} must be an int, got {type(value).__name__}")
        return str(value)

    def deserialize(self, value: str) -> int:
        return int(value)


class StringListAttribute(ListAttribute[str]):
    """A list of strings, typed as such (PynamoDB's own typing reads ``of=`` as the element type)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(of=UnicodeAttribute, **kwargs)  # type: ignore[arg-type]


class IntegerListAttribute(ListAttribute[int]):
    """A list of whole numbers, typed as such."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(of=IntegerAttribute, **kwargs)  # type: ignore[arg-type]
