"""Admin writes through GraphQL: every mutation, every refusal, price history, the audit trail."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.app import create_app
from service.catalog import tokens
from service.db import make_engine, unit_of_work
from tests.conftest import isolated_settings
from tests.snapshot import snapshot


class Admin:
    """A client on a private seeded database, with a live admin token."""

    def __init__(self, client: TestClient, engine: Engine, token: str):
        self.client = client
        self.engine = engine
        self.token = token

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = "default"
    ) -> dict[str, Any]:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        response = self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()

    def ok(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def admin(seeded_db_url: str) -> Iterator[Admin]:
    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        token = tokens.create(session, name="alice", actor="test")
    # The cache on, as in production: a write must make cached answers fresh.
    app = create_app(engine, isolated_settings(database_url=seeded_db_url, response_cache_size=256))
    with TestClient(app) as client:
        yield Admin(client, engine, token)
    engine.dispose()


RESULT = """
  __typename
  ... on InvalidInput { message problems { field message } }
  ... on NotFound { message kind name }
  ... on Conflict { message currentVersion }
"""
MODEL_RESULT = "{ ... on ModelResult { model { slug version status name } } " + RESULT + " }"


def test_set_price_changes_compare_after_the_date_only(admin: Admin) -> None:
    data = admin.ok(
        'mutation { setPrice(model: "GPT-5.2", input: {effectiveFrom: "2026-12-01",'
        ' inputPerMtok: "2.00", outputPerMtok: "16.00", cachedInputPerMtok: "0.2"}) {'
        " ... on PriceResult { price { inputPerMtok effectiveFrom }"
        " model { priceHistory { inputPerMtok outputPerMtok effectiveFrom effectiveTo } } } "
        + RESULT
        + " } }"
    )
    history = data["setPrice"]["model"]["priceHistory"]
    assert history == [
        {
            "inputPerMtok": "1.75",
            "outputPerMtok": "14",
            "effectiveFrom": None,
            "effectiveTo": "2026-12-01",
        },
        {
            "inputPerMtok": "2",
            "outputPerMtok": "16",
            "effectiveFrom": "2026-12-01",
            "effectiveTo": None,
        },
    ]
    query = """query($d: Date) { compare(models: ["gpt-5.2", "paligemma"], asOf: $d,
      workload: {inputTokens: 1000000, outputTokens: 1000000}) {
        sections { rows { key cells { display } } } costs { display } } }"""

    def prices(day: str) -> tuple[str, str, str]:
        result = admin.ok(query, {"d": day})["compare"]
        rows = {r["key"]: r["cells"][0]["display"] for s in result["sections"] for r in s["rows"]}
        return rows["input_price"], rows["output_price"], result["costs"][0]["display"]

    assert prices("2026-11-30") == ("$1.75", "$14.00", "$15.75")
    assert prices("2026-12-01") == ("$2.00", "$16.00", "$18.00")
    one = admin.ok(
        '{ model(slug: "gpt-5.2") { old: price(asOf: "2026-01-01") { inputPerMtok }'
        ' new: price(asOf: "2027-01-01") { inputPerMtok cachedInputPerMtok } } }'
    )
    assert one["model"] == {
        "old": {"inputPerMtok": "1.75"},
        "new": {"inputPerMtok": "2", "cachedInputPerMtok": "0.2"},
    }
    audit = admin.ok(
        '{ auditLog(entity: "price", actor: "token:alice") {'
        " nodes { actor operation action entityKey before after } } }"
    )
    entries = audit["auditLog"]["nodes"]
    assert [(e["action"], e["entityKey"]) for e in entries] == [
        ("create", "gpt-5.2 from 2026-12-01"),
        ("update", "gpt-5.2 from the start"),
    ]
    assert {e["actor"] for e in entries} == {"token:alice"}
    assert {e["operation"] for e in entries} == {"setPrice"}
    assert entries[1]["before"] == {"effective_to": None}
    assert entries[1]["after"] == {"effective_to": "2026-12-01"}
    assert entries[0]["after"]["input_per_mtok"] == "2.00"


def test_set_price_refuses_a_date_before_the_newest(admin: Admin) -> None:
    admin.ok(
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2026-12-01",'
        ' inputPerMtok: "2"}) { __typename } }'
    )
    before = snapshot(admin.engine)
    data = admin.ok(
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2026-06-01",'
        ' inputPerMtok: "3"}) { ' + RESULT + " } }"
    )
    assert data["setPrice"]["__typename"] == "Conflict"
    assert "a price from 2026-12-01 is already recorded" in data["setPrice"]["message"]
    assert snapshot(admin.engine) == before


WRITES = {
    "createOrganization": 'mutation { createOrganization(input: {slug: "meta", name: "Meta"}) {'
    " ... on OrganizationResult { organization { slug name } } } }",
    "updateModel": 'mutation { updateModel(slug: "paligemma", input: {contextWindow: 8192}) '
    + MODEL_RESULT
    + " }",
    "setPrice": 'mutation { setPrice(model: "paligemma", input: {effectiveFrom: "2026-01-01",'
    ' inputPerMtok: "0.1"}) { __typename } }',
    "retireModel": 'mutation { retireModel(slug: "gpt-5.1") ' + MODEL_RESULT + " }",
}


@pytest.mark.parametrize("mutation", list(WRITES))
@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "this needs an admin token: send 'Authorization: Bearer <token>'"),
        ("mc_1_wrong-secret", "the admin token is not valid"),
        ("mc_999_nope", "the admin token is not valid"),
        ("garbage", "the admin token is not valid"),
    ],
)
def test_writes_without_a_valid_token_are_refused(
    admin: Admin, mutation: str, header: str | None, reason: str
) -> None:
    before = snapshot(admin.engine)
    body = admin.post(WRITES[mutation], token=header)
    assert body["data"] is None
    error = body["errors"][0]
    assert reason in error["message"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert snapshot(admin.engine) == before


def test_a_revoked_token_is_refused(admin: Admin) -> None:
    with unit_of_work(admin.engine) as session:
        tokens.revoke(session, name="alice", actor="test")
    before = snapshot(admin.engine)
    body = admin.post(WRITES["updateModel"])
    assert "the admin token is not valid" in body["errors"][0]["message"]
    assert snapshot(admin.engine) == before


def test_wrong_scheme_is_refused(admin: Admin) -> None:
    body = admin.post(WRITES["updateModel"], token=None)
    response = admin.client.post(
        "/graphql",
        json={"query": WRITES["updateModel"]},
        headers={"Authorization": f"Basic {admin.token}"},
    )
    assert "must be 'Bearer <token>'" in response.json()["errors"][0]["message"]
    assert body["errors"]


def test_reading_the_audit_trail_needs_a_token(admin: Admin) -> None:
    body = admin.post("{ auditLog { nodes { actor } } }", token=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


INVALID = {
    "negative price": (
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2027-01-01",'
        ' inputPerMtok: "-1"}) { ' + RESULT + " } }",
        "setPrice",
        "InvalidInput",
        "inputPerMtok",
    ),
    "bad release date": (
        'mutation { updateModel(slug: "gpt-5.2", input: {releaseDate: "2025-13"}) '
        + MODEL_RESULT
        + " }",
        "updateModel",
        "InvalidInput",
        "releaseDate",
    ),
    "negative context window": (
        'mutation { updateModel(slug: "gpt-5.2", input: {contextWindow: -5}) '
        + MODEL_RESULT
        + " }",
        "updateModel",
        "InvalidInput",
        "contextWindow",
    ),
    "state without value": (
        'mutation { updateModel(slug: "gpt-5.2", input: {contextWindowState: "known",'
        " contextWindow: null}) " + MODEL_RESULT + " }",
        "updateModel",
        "InvalidInput",
        "",
    ),
    "unknown organization": (
        'mutation { updateModel(slug: "gpt-5.2", input: {organization: "opneai"}) '
        + MODEL_RESULT
        + " }",
        "updateModel",
        "NotFound",
        "did you mean 'openai'?",
    ),
    "unknown model": (
        'mutation { retireModel(slug: "gtp-5.2") ' + MODEL_RESULT + " }",
        "retireModel",
        "NotFound",
        "did you mean 'gpt-5.2'",
    ),
    "bad slug": (
        'mutation { createModel(input: {slug: "Not A Slug", name: "X"}) ' + MODEL_RESULT + " }",
        "createModel",
        "InvalidInput",
        "slug",
    ),
    "slug taken by an alias": (
        'mutation { createModel(input: {slug: "paligemma-3b", name: "X"}) ' + MODEL_RESULT + " }",
        "createModel",
        "Conflict",
        "already used",
    ),
    "alias taken": (
        'mutation { addAlias(model: "gpt-5.2", alias: "PaliGemma") ' + MODEL_RESULT + " }",
        "addAlias",
        "Conflict",
        "already used by model 'paligemma'",
    ),
    "duplicate organization": (
        'mutation { createOrganization(input: {slug: "openai", name: "Again"}) { '
        + RESULT
        + " } }",
        "createOrganization",
        "Conflict",
        "already exists",
    ),
    "unknown task": (
        'mutation { setCapability(model: "gpt-5.2", task: "ocrr", input: {hasDemo: true}) '
        + MODEL_RESULT
        + " }",
        "setCapability",
        "NotFound",
        "did you mean 'ocr'?",
    ),
    "self lineage": (
        'mutation { addLineage(model: "gpt-5.2", relation: SUCCEEDS, related: "gpt-5-2") '
        + MODEL_RESULT
        + " }",
        "addLineage",
        "InvalidInput",
        "cannot be related to itself",
    ),
    "variant of another model": (
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2027-01-01",'
        ' variant: "paligemma-224", inputPerMtok: "1"}) { ' + RESULT + " } }",
        "setPrice",
        "InvalidInput",
        "is not a variant of 'gpt-5.2'",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_writes_return_typed_errors_and_change_nothing(admin: Admin, case: str) -> None:
    query, field, typename, fragment = INVALID[case]
    before = snapshot(admin.engine)
    result = admin.ok(query)[field]
    assert result["__typename"] == typename
    text = result["message"] + " ".join(p["field"] for p in result.get("problems", []))
    assert fragment in text
    assert snapshot(admin.engine) == before


def test_stale_expected_version_is_a_conflict(admin: Admin) -> None:
    read = admin.ok('{ model(slug: "paligemma") { version } }')["model"]["version"]
    first = admin.ok(
        'mutation($v: Int) { updateModel(slug: "paligemma", expectedVersion: $v,'
        ' input: {name: "PaliGemma 3B"}) ' + MODEL_RESULT + " }",
        {"v": read},
    )
    assert first["updateModel"]["model"]["version"] == read + 1
    before = snapshot(admin.engine)
    second = admin.ok(
        'mutation($v: Int) { updateModel(slug: "paligemma", expectedVersion: $v,'
        ' input: {family: "Other"}) ' + MODEL_RESULT + " }",
        {"v": read},
    )
    assert second["updateModel"]["__typename"] == "Conflict"
    assert second["updateModel"]["currentVersion"] == read + 1
    assert "changed since you read it" in second["updateModel"]["message"]
    assert snapshot(admin.engine) == before


def test_every_mutation_writes_and_is_audited(admin: Admin) -> None:
    steps = [
        (
            'mutation { createSource(input: {slug: "vendor-page", title: "Vendor page",'
            ' url: "https://example.com/m"}) { __typename } }',
            "SourceResult",
        ),
        (
            'mutation { updateSource(slug: "vendor-page", input: {version: "v2"}) { __typename } }',
            "SourceResult",
        ),
        (
            'mutation { createOrganization(input: {slug: "acme", name: "Acme",'
            ' source: "vendor-page"}) { __typename } }',
            "OrganizationResult",
        ),
        (
            'mutation { updateOrganization(slug: "acme", input: {website: "https://acme.test"})'
            " { __typename } }",
            "OrganizationResult",
        ),
        (
            'mutation { createLicense(input: {slug: "apache-2.0", name: "Apache 2.0",'
            ' kind: OPEN_SOURCE, spdxId: "Apache-2.0", commercialUse: ALLOWED}) { __typename } }',
            "LicenseResult",
        ),
        (
            'mutation { updateLicense(slug: "apache-2.0", input: {url: "https://apache.org"})'
            " { __typename } }",
            "LicenseResult",
        ),
        (
            'mutation { createTask(input: {slug: "depth", name: "Depth", group: "Vision Tasks"})'
            " { __typename } }",
            "TaskResult",
        ),
        (
            'mutation { updateTask(slug: "depth", input: {name: "Depth Estimation"}) { __typename } }',
            "TaskResult",
        ),
        (
            'mutation { createCollection(input: {slug: "tiny", name: "Tiny models"}) { __typename } }',
            "CollectionResult",
        ),
        (
            'mutation { updateCollection(slug: "tiny", input: {description: "Small"}) { __typename } }',
            "CollectionResult",
        ),
        (
            'mutation { createModel(source: "vendor-page", quote: "Acme-1, 7B, 32K", input: {'
            'slug: "acme-1", name: "Acme-1", organization: "acme", category: OPEN, openWeights: true,'
            ' inputModalities: [TEXT], outputModalities: [TEXT], releaseDate: "2026-03",'
            ' contextWindow: 32768, parameterCount: 7000000000, license: "apache-2.0"}) '
            "{ __typename } }",
            "ModelResult",
        ),
        (
            'mutation { updateModel(slug: "acme-1", input: {overview: "A small model."})'
            " { __typename } }",
            "ModelResult",
        ),
        ('mutation { addAlias(model: "acme-1", alias: "Acme One") { __typename } }', "ModelResult"),
        (
            'mutation { putVariant(model: "acme-1", input: {slug: "acme-1-chat", name: "Acme-1 Chat",'
            ' axis: "tuning"}) { __typename } }',
            "ModelResult",
        ),
        (
            'mutation { setCapability(model: "acme-1", task: "depth", input: {support: OUT_OF_THE_BOX,'
            " hasDemo: true}) { __typename } }",
            "ModelResult",
        ),
        (
            'mutation { addToCollection(model: "acme-1", collection: "tiny") { __typename } }',
            "ModelResult",
        ),
        (
            'mutation { addLineage(model: "acme-1", relation: INSPIRED_BY, related: "gemma-2b")'
            " { __typename } }",
            "ModelResult",
        ),
        (
            'mutation { setPrice(model: "acme-1", input: {effectiveFrom: "2026-03-01",'
            ' variant: "acme-1-chat", inputPerMtok: "0.05"}) { __typename } }',
            "PriceResult",
        ),
        (
            'mutation { removeLineage(model: "acme-1", relation: INSPIRED_BY, related: "gemma-2b")'
            " { __typename } }",
            "ModelResult",
        ),
        (
            'mutation { removeFromCollection(model: "acme-1", collection: "tiny") { __typename } }',
            "ModelResult",
        ),
        (
            'mutation { removeCapability(model: "acme-1", task: "depth") { __typename } }',
            "ModelResult",
        ),
        ('mutation { removeAlias(alias: "ACME ONE") { __typename } }', "ModelResult"),
        ('mutation { retireModel(slug: "acme-1") { __typename } }', "ModelResult"),
    ]
    for query, typename in steps:
        assert admin.ok(query) == {
            query.split("{")[1].split("(")[0].strip(): {"__typename": typename}
        }, query
    model = admin.ok(
        '{ model(slug: "acme-1") { status version organization { website }'
        " license { spdxId } aliases variants { slug } capabilities { task { slug } }"
        " collections { slug } lineage { model { slug } } overview { value }"
        " contextWindow { display sources { quote source { slug version } } }"
        " priceHistory { variant inputPerMtok } } }"
    )["model"]
    assert model == {
        "status": "RETIRED",
        "version": 13,
        "organization": {"website": "https://acme.test"},
        "license": {"spdxId": "Apache-2.0"},
        "aliases": [],
        "variants": [{"slug": "acme-1-chat"}],
        "capabilities": [],
        "collections": [],
        "lineage": [],
        "overview": {"value": "A small model."},
        "contextWindow": {
            "display": "33K",
            "sources": [
                {"quote": "Acme-1, 7B, 32K", "source": {"slug": "vendor-page", "version": "v2"}}
            ],
        },
        "priceHistory": [{"variant": "acme-1-chat", "inputPerMtok": "0.05"}],
    }
    # A retired model stays comparable and says so.
    compare = admin.ok(
        '{ compare(models: ["acme-1", "gpt-5.2"]) { sections { rows { key cells { display } } } } }'
    )["compare"]
    status = next(r for s in compare["sections"] for r in s["rows"] if r["key"] == "status")
    assert [c["display"] for c in status["cells"]] == ["Retired", "Active"]
    audit = admin.ok('{ auditLog(first: 100, actor: "token:alice") { nodes { operation } } }')
    operations = {entry["operation"] for entry in audit["auditLog"]["nodes"]}
    assert operations == {query.split("{")[1].split("(")[0].strip() for query, _ in steps}


def test_writes_can_be_switched_off(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        token = tokens.create(session, name="bob", actor="test")
    app = create_app(engine, isolated_settings(database_url=seeded_db_url, writes_enabled=False))
    with TestClient(app) as client:
        admin = Admin(client, engine, token)
        before = snapshot(engine)
        body = admin.post(WRITES["updateModel"])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "WRITES_ENABLED=true" in body["errors"][0]["message"]
        assert snapshot(engine) == before
        # Reading the audit trail is still open to admins.
        assert "errors" not in admin.post("{ auditLog(first: 1) { nodes { actor } } }")
    engine.dispose()


def test_the_environment_admin_token_is_accepted(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    secret = "s" * 40
    app = create_app(engine, isolated_settings(database_url=seeded_db_url, admin_token=secret))
    with TestClient(app) as client:
        admin = Admin(client, engine, secret)
        result = admin.ok(WRITES["retireModel"])["retireModel"]
        assert result["model"]["status"] == "RETIRED"
        audit = admin.ok('{ auditLog(first: 1, entity: "model") { nodes { actor operation } } }')
        assert audit["auditLog"]["nodes"] == [
            {"actor": "env:ADMIN_TOKEN", "operation": "retireModel"}
        ]
        assert "errors" in admin.post(WRITES["retireModel"], token="s" * 39)
    engine.dispose()


def test_a_write_makes_cached_answers_fresh(admin: Admin) -> None:
    query = '{ compare(models: ["gpt-5.2", "paligemma"]) { models { name } } }'
    assert admin.ok(query)["compare"]["models"][1]["name"] == "PaliGemma"
    admin.ok(
        'mutation { updateModel(slug: "paligemma", input: {name: "PaliGemma 1"}) { __typename } }'
    )
    assert admin.ok(query)["compare"]["models"][1]["name"] == "PaliGemma 1"


def test_every_written_result_carries_the_catalog_version_its_transaction_produced(
    admin: Admin,
) -> None:
    """`catalogVersion` on the result is the version the write made: the header's, one more
    than the version before it, and the cookie the pages forward."""
    rename = (
        'mutation ($name: String!) { updateOrganization(slug: "openai", input: {name: $name})'
        " { ... on OrganizationResult { catalogVersion organization { name } } } }"
    )
    versions = []
    for name in ("OpenAI one", "OpenAI two"):
        response = admin.client.post(
            "/graphql",
            json={"query": rename, "variables": {"name": name}},
            headers={"Authorization": f"Bearer {admin.token}"},
        )
        result = response.json()["data"]["updateOrganization"]
        assert result["organization"]["name"] == name
        assert int(response.headers["x-catalog-version"]) == result["catalogVersion"]
        assert response.cookies["catalog_version"] == str(result["catalogVersion"])
        versions.append(result["catalogVersion"])
    assert versions[1] == versions[0] + 1
    with admin.engine.connect() as connection:
        assert connection.execute(text("SELECT version FROM catalog_state")).scalar() == versions[1]
    # Every result type of a write that succeeded has the field.
    price = admin.ok(
        'mutation { setPrice(model: "gpt-5.2", input: {effectiveFrom: "2031-01-01",'
        ' inputPerMtok: "2.00", outputPerMtok: "16.00"}) { ... on PriceResult { catalogVersion } '
        + RESULT
        + " } }"
    )["setPrice"]
    assert price.get("catalogVersion") == versions[1] + 1, price
