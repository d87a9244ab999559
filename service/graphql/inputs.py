"""GraphQL input objects as the plain values the catalog's functions take."""

from typing import Any

from strawberry import UNSET


def plain(value: Any) -> Any:
    """Enums to their values, lists element-wise; everything else as it is."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    return getattr(value, "value", value)


def sent(obj: Any) -> dict[str, Any]:
    """The fields a client sent (UNSET left out; an explicit null kept), as plain values."""
    return {k: plain(v) for k, v in vars(obj).items() if v is not UNSET}
