"""Which media type a GraphQL answer is sent as: the client's Accept header, with its q-values.

GraphQL over HTTP knows two response types. `application/graphql-response+json` says what
went wrong with the status code too (a request that never started executing is a 4xx without
a `data` entry); `application/json`, the legacy type, answers GraphQL errors with 200. A
client that names neither (no Accept header, `*/*`, `application/*`) gets `application/json`,
as every client did before; one that accepts none of the two gets a 406.
"""

from enum import StrEnum
from functools import lru_cache

MAX_ACCEPT_RANGES = 32  # an Accept header longer than this is read only that far


class MediaType(StrEnum):
    GRAPHQL_RESPONSE = "application/graphql-response+json"
    JSON = "application/json"

    @property
    def content_type(self) -> bytes:
        return self.value.encode()  # UTF-8, which both types imply

    @property
    def content_type_header(self) -> tuple[bytes, bytes]:
        """The Content-Type header, built once per type (an answer from the cache needs it)."""
        return _CONTENT_TYPE_HEADERS[self is MediaType.JSON]

    @property
    def legacy(self) -> bool:
        """Whether GraphQL errors are answered with 200 (application/json's convention)."""
        return self is MediaType.JSON


_CONTENT_TYPE_HEADERS = {
    legacy: (b"content-type", media.value.encode())
    for media, legacy in ((MediaType.GRAPHQL_RESPONSE, False), (MediaType.JSON, True))
}

# On equal preference, the type a client names explicitly wins; among wildcards, the legacy
# type, which every older client understands.
_TIE_ORDER = {MediaType.GRAPHQL_RESPONSE: 1, MediaType.JSON: 0}


def _q(parameters: list[str]) -> float | None:
    """The range's q-value (1 when absent); None when it is not a number in [0, 1]."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0 <= q <= 1 else None
    return 1.0


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for item in accept.split(",")[:MAX_ACCEPT_RANGES]:
        media_range, *parameters = item.split(";")
        kind, _, subtype = media_range.strip().lower().partition("/")
        q = _q(parameters)
        if kind and subtype and q is not None:
            ranges.append((kind, subtype, q))
    return ranges


def _preference(media: MediaType, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range that matches `media` (q 0: none does)."""
    kind, subtype = media.value.split("/")
    best: tuple[int, float] | None = None
    for range_kind, range_subtype, q in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 2
        elif (range_kind, range_subtype) == (kind, "*"):
            specificity = 1
        elif (range_kind, range_subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q)
    if best is None:
        return 0.0, -1
    return best[1], best[0]


MAX_CACHED_ACCEPT_BYTES = 512


def negotiate(accept: bytes | None) -> MediaType | None:
    """The media type to answer with; None when the client accepts neither (a 406)."""
    if accept is not None and len(accept) > MAX_CACHED_ACCEPT_BYTES:
        return _negotiate(accept)
    return _negotiate_cached(accept)


def _negotiate(accept: bytes | None) -> MediaType | None:
    if accept is None or not accept.strip():
        return MediaType.JSON
    ranges = _ranges(accept.decode("latin-1"))
    if not ranges:
        return MediaType.JSON  # nothing readable: answered as if no Accept was sent
    scored = []
    for media in MediaType:
        q, specificity = _preference(media, ranges)
        if q > 0:
            explicit = specificity == 2
            tie = _TIE_ORDER[media] if explicit else -_TIE_ORDER[media]
            scored.append(((q, explicit, tie), media))
    if not scored:
        return None
    return max(scored)[1]


# Clients send few distinct (short) Accept headers: each is parsed once.
_negotiate_cached = lru_cache(maxsize=256)(_negotiate)
