"""Persisted queries: a client sends the SHA-256 of a document instead of the document.

The Automatic Persisted Queries protocol (Apollo's, which urql and Relay clients speak too):
a request carries `extensions.persistedQuery = {version: 1, sha256Hash}`. Without a `query`,
the hash names a document this worker knows, or the answer is the error
`PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`), on which the client sends the
hash again with the document; the hash is checked against the document, kept, and the
document runs. A hash-only GET has a short URL a CDN can cache.

Two kinds of documents are known:

- **registered** ones, read at start from `.graphql` files (the web pages' documents in
  `service/web/queries/`, and any file or folder `PERSISTED_QUERY_FILES` names), never
  forgotten;
- **automatic** ones, learnt from clients, in a least-recently-used store of each worker
  bounded in bytes (`PERSISTED_QUERY_STORE_KB`). Each worker learns on its own: a client
  whose hash reaches a worker that has not seen it pays one more round trip, as with Apollo
  Server's default in-memory store. Nothing is written to PostgreSQL.

`PERSISTED_QUERIES` chooses the mode: `automatic` (the default: any document runs, and hashes
are learnt), `registered` (only registered documents run, by hash or in full; anything else is
`QUERY_NOT_REGISTERED`), `off` (a hash is `PersistedQueryNotSupported`).
"""

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from graphql import GraphQLError, parse, print_ast

from service.config import PersistedQueryMode, Settings

WEB_QUERIES = Path(__file__).resolve().parent.parent / "web" / "queries"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_ENTRY_OVERHEAD = 150  # bytes of bookkeeping per stored document, beside its text and hash

NOT_FOUND_MESSAGE = "PersistedQueryNotFound"  # the exact text Apollo and urql clients look for
NOT_SUPPORTED_MESSAGE = "PersistedQueryNotSupported"


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run.

    `malformed`: the request itself is wrong (bad version, not a hash, a hash that is not the
    document's): always a 400. Otherwise the document is unknown or not allowed, a GraphQL
    error answered like a validation error (200 for application/json clients, 400 for
    application/graphql-response+json ones).
    """

    def __init__(self, message: str, code: str, *, malformed: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.malformed = malformed


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class RegisteredDocument:
    sha256: str
    path: Path
    text: str


def read_documents(sources: Iterable[Path]) -> list[RegisteredDocument]:
    """Every `.graphql` file among `sources` (files, or folders read one level deep), by path.

    A document's hash is that of the file's whole text, exactly as a client sends it.
    """
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(source.glob("*.graphql")))
        elif source.is_file():
            files.append(source)
        else:
            raise FileNotFoundError(f"PERSISTED_QUERY_FILES: no file or folder at {source}")
    documents = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        documents.append(RegisteredDocument(sha256_hex(text), path, text))
    return documents


def _persisted_hash(persisted: Any) -> str:
    """The hash of a well-formed `persistedQuery` extension (lower case)."""
    if not isinstance(persisted, dict):
        raise PersistedQueryError(
            "extensions.persistedQuery must be an object: {version: 1, sha256Hash: ...}",
            "BAD_REQUEST",
            malformed=True,
        )
    if persisted.get("version") != 1:
        raise PersistedQueryError(
            "extensions.persistedQuery.version must be 1 (the only version this server speaks)",
            "BAD_REQUEST",
            malformed=True,
        )
    given = persisted.get("sha256Hash")
    digest = given.lower() if isinstance(given, str) else ""
    if not _SHA256_HEX.fullmatch(digest):
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash must be the 64 hexadecimal digits of the "
            "query's SHA-256",
            "BAD_REQUEST",
            malformed=True,
        )
    return digest


class PersistedQueries:
    """The documents this worker knows by hash, and the rule that decides what may run."""

    def __init__(
        self,
        mode: PersistedQueryMode,
        max_bytes: int,
        registered: Iterable[RegisteredDocument] = (),
    ):
        self.mode = mode
        self.max_bytes = max_bytes
        registered = list(registered)
        self.registered = {document.sha256: document.text for document in registered}
        # A registered document sent in full in another layout (a generated client prints
        # the file's operations again, without its comments) is still that document: it is
        # known by the hash of its canonical print too.
        self.registered_canonical = {
            digest: document.text
            for document in registered
            if (digest := _canonical_hash(document.text)) is not None
        }
        self._learnt: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._learnt)

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The document to run (None: the request has no query and no hash)."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if query is not None and self.mode is PersistedQueryMode.REGISTERED:
                self._require_registered(sha256_hex(query), query)
            return query
        digest = _persisted_hash(persisted)
        if self.mode is PersistedQueryMode.OFF:
            raise PersistedQueryError(NOT_SUPPORTED_MESSAGE, "PERSISTED_QUERY_NOT_SUPPORTED")
        if query is None:
            known = self.registered.get(digest) or self._recall(digest)
            if known is None:
                raise PersistedQueryError(NOT_FOUND_MESSAGE, "PERSISTED_QUERY_NOT_FOUND")
            return known
        actual = sha256_hex(query)
        if actual != digest:
            raise PersistedQueryError(
                f"extensions.persistedQuery.sha256Hash {digest} is not the SHA-256 of the query "
                f"sent with it ({actual}); hash the query's exact UTF-8 text",
                "PERSISTED_QUERY_HASH_MISMATCH",
                malformed=True,
            )
        if self.mode is PersistedQueryMode.REGISTERED:
            self._require_registered(digest, query)
        elif digest not in self.registered:
            self._learn(digest, query)
        return query

    def _require_registered(self, digest: str, query: str | None = None) -> None:
        if digest in self.registered:
            return
        if query is not None and _canonical_hash(query) in self.registered_canonical:
            return
        raise PersistedQueryError(
            "This server runs only registered documents (PERSISTED_QUERIES=registered), "
            f"and none has the SHA-256 {digest}; register the document's file with "
            "PERSISTED_QUERY_FILES, and `modelcat persisted-queries` lists the hashes",
            "QUERY_NOT_REGISTERED",
        )

    def _recall(self, digest: str) -> str | None:
        with self._lock:
            document = self._learnt.get(digest)
            if document is not None:
                self._learnt.move_to_end(digest)
            return document

    def _learn(self, digest: str, document: str) -> None:
        cost = _cost(document)
        if cost > self.max_bytes:
            return
        with self._lock:
            if digest in self._learnt:
                self._learnt.move_to_end(digest)
                return
            self._learnt[digest] = document
            self._bytes += cost
            while self._bytes > self.max_bytes:
                _, evicted = self._learnt.popitem(last=False)
                self._bytes -= _cost(evicted)


def _canonical_hash(document: str) -> str | None:
    """The SHA-256 of the document as graphql-core prints it (layout and comments gone);
    None for text that does not parse (it is then no registered document)."""
    try:
        return sha256_hex(print_ast(parse(document, no_location=True)))
    except GraphQLError:
        return None


def _cost(document: str) -> int:
    return len(document.encode("utf-8", "surrogatepass")) + 64 + _ENTRY_OVERHEAD


def from_settings(settings: Settings) -> PersistedQueries:
    """The store the settings describe, with the web pages' documents and PERSISTED_QUERY_FILES
    registered."""
    documents = read_documents([WEB_QUERIES, *settings.persisted_query_files])
    return PersistedQueries(
        settings.persisted_queries, settings.persisted_query_store_kb * 1024, documents
    )
