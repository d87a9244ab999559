"""The pages reach the data only through the public GraphQL documents in service/web/queries/."""

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from graphql import parse, validate

from service.graphql.schema import schema
from service.web import client as web_client

WEB = Path(web_client.__file__).parent
DOCUMENTS = sorted((WEB / "queries").glob("*.graphql"))
FORBIDDEN = ("sqlalchemy", "psycopg", "service.db", "service.catalog", "service.models")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(WEB.glob("*.py")), ids=lambda p: p.name)
def test_the_web_layer_does_not_touch_the_database(module: Path) -> None:
    touching = {n for n in _imports(module) if n.startswith(FORBIDDEN)}
    assert not touching, f"{module.name} imports {touching}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_each_document_is_valid_against_the_public_schema(document: Path) -> None:
    errors = validate(schema._schema, parse(document.read_text()))
    assert not errors, errors


def test_the_pages_send_their_documents_to_graphql(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    original = web_client.CatalogTransport.execute

    async def spying(
        self: web_client.CatalogTransport, query: str, operation_name: str, **kwargs: object
    ) -> web_client.Answer:
        sent.append(operation_name)
        return await original(self, query, operation_name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web_client.CatalogTransport, "execute", spying)
    assert web.get("/compare/gpt-5.2-vs-paligemma").status_code == 200
    assert sorted(sent) == ["ComparePage", "Picker"]


def test_the_same_document_answers_a_third_party_client(web: TestClient) -> None:
    body = {"query": (WEB / "queries" / "picker.graphql").read_text(), "variables": {}}
    answer = web.post("/graphql", json=body).json()
    assert {"slug": "paligemma", "name": "PaliGemma"} in answer["data"]["models"]["nodes"]


def test_suggestions_are_read_from_the_apis_extensions(web: TestClient) -> None:
    """What the API says in `extensions`, not its message's wording, names the suggestions."""
    query = "query($m: [String!]!) { compare(models: $m) { asOf } }"
    answer = web.post("/graphql", json={"query": query, "variables": {"m": ["gpt5.2", "zzz"]}})
    error = answer.json()["errors"][0]
    found = web_client.unknown_names(error["extensions"])
    assert [u.name for u in found] == ["gpt5.2", "zzz"]
    assert found[0].suggestions[0] == "gpt-5.2"
    assert found[1].suggestions == []
    # The message's wording may change; the links come from the structured answer.
    assert "did you mean" in error["message"]
