"""Reading a request's parameters the way Stripe validates them, and answering in JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web
from localstripe.server import get_post_data, json_response, unflatten_data

from infra.local.stripe_stand_in.errors import invalid, missing, unknown


class Params:
    """A request's parameters (form-encoded body or query), consumed as they are read."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = dict(data)
        self.expand: list[str] | None = self._data.pop("expand", None)

    @classmethod
    async def of(cls, request: web.Request) -> Params:
        data = await get_post_data(request) if request.method == "POST" else None
        merged: dict[str, Any] = dict(data) if data else {}
        merged.update(unflatten_data(request.query) or {})
        return cls(merged)

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def text(self, name: str, *, required: bool = False, choices: Iterable[str] | None = None) -> str | None:
        value = self._data.pop(name, None)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        if not isinstance(value, str):
            raise invalid(f"Invalid string: {value!r}", param=name)
        allowed = list(choices or [])
        if allowed and value not in allowed:
            raise invalid(f"Invalid {name}: must be one of {', '.join(allowed)}", param=name)
        return value

    def required_text(self, name: str, *, choices: Iterable[str] | None = None) -> str:
        value = self.text(name, required=True, choices=choices)
        assert value is not None
        return value

    def integer(self, name: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        value = self._data.pop(name, None)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid(f"Invalid integer: {value}", param=name) from None
        if minimum is not None and number < minimum:
            raise invalid(f"This value must be greater than or equal to {minimum}.", param=name)
        return number

    def required_integer(self, name: str, *, minimum: int | None = None) -> int:
        value = self.integer(name, required=True, minimum=minimum)
        assert value is not None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._data.pop(name, None)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        lowered = str(value).lower()
        if lowered not in ("true", "false"):
            raise invalid(f"Invalid boolean: {value}", param=name)
        return lowered == "true"

    def mapping(self, name: str) -> dict[str, Any] | None:
        value = self._data.pop(name, None)
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise invalid(f"Invalid object: {name} must be a hash", param=name)
        return value

    def metadata(self) -> dict[str, str] | None:
        value = self.mapping("metadata")
        return None if value is None else {str(k): str(v) for k, v in value.items()}

    def discard(self, *names: str) -> None:
        """Accept these parameters and ignore them (they change nothing in the stand-in)."""
        for name in names:
            self._data.pop(name, None)

    def rest(self) -> dict[str, Any]:
        """What is left; for handing on to localstripe's own constructors."""
        left, self._data = self._data, {}
        return left

    def done(self) -> None:
        """Refuse parameters nobody read, as Stripe does."""
        if self._data:
            raise unknown(sorted(self._data)[0])


def merge_metadata(current: dict[str, str] | None, update: dict[str, str] | None) -> dict[str, str]:
    """Stripe's metadata update: keys merge in, and an empty value removes its key."""
    merged = dict(current or {})
    for key, value in (update or {}).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def answer(obj: Any, params: Params | None = None, *, status: int = 200) -> web.Response:
    body = obj if isinstance(obj, dict) else obj._export(expand=params.expand if params else None)
    response: web.Response = json_response(body, status=status)
    return response
