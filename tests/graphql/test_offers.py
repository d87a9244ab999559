"""Offers through the API: `Model.offers`, `providers`, the provider filter, the cheapest-offer
ordering and compare's "Where to run it", on a private copy of the seed with a few offers."""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from service.app import create_app
from service.db import make_engine
from service.models import Model, Offer, Organization
from tests.conftest import SEED_MODELS, Databases, isolated_settings, url_text
from tests.graphql.conftest import GraphQL, StatementCounter

TODAY = date.today()


def _add_offers(session: Session) -> None:
    ids = {m.slug: m.id for m in session.scalars(select(Model))}
    orgs = {
        slug: Organization(slug=slug, name=name)
        for slug, name in (("openrouter", "OpenRouter"), ("azure", "Microsoft Azure"))
    }
    session.add_all(orgs.values())
    session.flush()
    openai = session.scalar(select(Organization).where(Organization.slug == "openai"))
    assert openai is not None

    def offer(model: str, provider: Organization, route: str, **fields: object) -> Offer:
        return Offer(model_id=ids[model], provider_id=provider.id, route=route, **fields)

    session.add_all(
        [
            offer(
                "gpt-5.2",
                openai,
                "gpt-5.2",
                input_per_mtok=Decimal("1.75"),
                output_per_mtok=Decimal("14"),
                context_window=400_000,
                max_output_tokens=128_000,
                status="active",
            ),
            offer(
                "gpt-5.2",
                orgs["openrouter"],
                "openai/gpt-5.2",
                input_per_mtok=Decimal("1.50"),
                output_per_mtok=Decimal("12"),
                cached_input_per_mtok=Decimal("0.15"),
            ),
            offer("gpt-5.2", orgs["azure"], "gpt-52-global"),  # no price stated
            # ended yesterday: not in force today, in force a week ago
            offer(
                "gpt-5.1",
                orgs["azure"],
                "gpt-51",
                input_per_mtok=Decimal("1"),
                output_per_mtok=Decimal("8"),
                effective_to=TODAY - timedelta(days=1),
            ),
            # PaliGemma has no list price from its maker: the cheapest offer prices it.
            offer(
                "paligemma",
                orgs["openrouter"],
                "google/paligemma",
                input_per_mtok=Decimal("0.10"),
                output_per_mtok=Decimal("0.40"),
                effective_from=TODAY - timedelta(days=30),
            ),
        ]
    )
    # Epoch-style research result: neither an API nor weights.
    session.execute(update(Model).where(Model.slug == "pali-3").values(research_only=True))


@pytest.fixture(scope="module")
def offers_client(databases: Databases, seeded_template: str) -> Iterator[TestClient]:
    url = url_text(databases.create(template=seeded_template))
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        _add_offers(session)
    app = create_app(engine, isolated_settings(database_url=url))
    with TestClient(app) as client:
        yield client
    engine.dispose()


@pytest.fixture
def ogql(offers_client: TestClient) -> GraphQL:
    return GraphQL(offers_client)


@pytest.fixture
def ostatements(offers_client: TestClient) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    sync_engine = offers_client.app.state.async_engine.sync_engine  # type: ignore[attr-defined]
    event.listen(sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(sync_engine, "before_cursor_execute", counter)


OFFERS = """
query($slug: String!, $asOf: Date) {
  model(slug: $slug) {
    offers(asOf: $asOf) {
      nodes {
        provider { slug name }
        route currency inputPerMtok outputPerMtok cachedInputPerMtok
        contextWindow maxOutputTokens status effectiveFrom effectiveTo
      }
    }
  }
}
"""


def test_a_models_offers_cheapest_first_unpriced_last(ogql: GraphQL) -> None:
    offers = ogql.data(OFFERS, {"slug": "GPT-5.2"})["model"]["offers"]["nodes"]
    assert [(o["provider"]["slug"], o["route"]) for o in offers] == [
        ("openrouter", "openai/gpt-5.2"),
        ("openai", "gpt-5.2"),
        ("azure", "gpt-52-global"),
    ]
    assert offers[0]["inputPerMtok"] == "1.5"
    assert offers[0]["cachedInputPerMtok"] == "0.15"
    assert offers[1]["contextWindow"] == 400000
    assert offers[1]["maxOutputTokens"] == 128000
    assert offers[1]["status"] == "ACTIVE"
    assert offers[2]["inputPerMtok"] is None
    assert offers[2]["currency"] == "USD"


def test_offers_follow_their_dates(ogql: GraphQL) -> None:
    assert ogql.data(OFFERS, {"slug": "gpt-5.1"})["model"]["offers"]["nodes"] == []
    week_ago = (TODAY - timedelta(days=7)).isoformat()
    ended = ogql.data(OFFERS, {"slug": "gpt-5.1", "asOf": week_ago})["model"]["offers"]["nodes"]
    assert [o["route"] for o in ended] == ["gpt-51"]
    assert ended[0]["effectiveTo"] == (TODAY - timedelta(days=1)).isoformat()
    before = (TODAY - timedelta(days=31)).isoformat()
    assert (
        ogql.data(OFFERS, {"slug": "paligemma", "asOf": before})["model"]["offers"]["nodes"] == []
    )


def test_providers_at_the_root_with_their_model_counts(ogql: GraphQL) -> None:
    providers = ogql.data("{ providers { nodes { slug name modelCount organization { slug } } } }")
    assert providers["providers"]["nodes"] == [
        {
            "slug": "openrouter",
            "name": "OpenRouter",
            "modelCount": 2,
            "organization": {"slug": "openrouter"},
        },
        {
            "slug": "azure",
            "name": "Microsoft Azure",
            "modelCount": 1,
            "organization": {"slug": "azure"},
        },
        {"slug": "openai", "name": "OpenAI", "modelCount": 1, "organization": {"slug": "openai"}},
    ]


PAGE_OFFERS = """
query($first: Int) {
  models(first: $first, orderBy: {field: NAME}) {
    nodes { slug offers { nodes { route inputPerMtok provider { name } source { slug } } } }
  }
}
"""


def test_offers_on_a_page_cost_a_constant_number_of_statements(
    ogql: GraphQL, ostatements: StatementCounter
) -> None:
    before = ostatements.count
    three = ogql.data(PAGE_OFFERS, {"first": 3})  # GPT-5.2 is third by name
    small = ostatements.count - before
    before = ostatements.count
    every = ogql.data(PAGE_OFFERS, {"first": SEED_MODELS})
    large = ostatements.count - before
    assert len(three["models"]["nodes"]) == 3 and len(every["models"]["nodes"]) == SEED_MODELS
    assert sum(len(n["offers"]["nodes"]) for n in every["models"]["nodes"]) == 4
    # page, offers, providers (organizations); sources only when an offer names one
    assert small == large <= 4


LIST = """
query($filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    nodes { slug researchOnly releaseDate { value } }
    pageInfo { endCursor hasNextPage }
  }
}
"""


def _slugs(gql: GraphQL, **variables: object) -> list[str]:
    return [n["slug"] for n in gql.data(LIST, variables)["models"]["nodes"]]


def test_the_provider_filter_keeps_models_offered_today_by_any_given(ogql: GraphQL) -> None:
    assert sorted(_slugs(ogql, filter={"provider": ["OpenRouter"]})) == ["gpt-5.2", "paligemma"]
    # Azure's GPT-5.1 offer ended yesterday; its GPT-5.2 offer (unpriced) still counts.
    assert _slugs(ogql, filter={"provider": ["azure"]}) == ["gpt-5.2"]
    both = _slugs(ogql, filter={"provider": ["azure", "openai"]})
    assert both == ["gpt-5.2"]
    # OpenAI offers GPT-5.2 only; a known organization with no offer today lists nothing.
    answer = ogql.data(LIST, {"filter": {"provider": ["google"]}})["models"]
    assert answer["totalCount"] == 0 and answer["nodes"] == []


def test_an_unknown_provider_is_an_error_with_a_suggestion(ogql: GraphQL) -> None:
    error = ogql.error(LIST, {"filter": {"provider": ["openrouter", "openruter"]}})
    assert error["message"] == "unknown provider 'openruter'; did you mean 'openrouter'?"
    assert error["extensions"]["code"] == "NOT_FOUND"
    error = ogql.error(LIST, {"filter": {"provider": [f"p{i}" for i in range(51)]}})
    assert "at most 50" in error["message"]


def test_cheapest_offer_ordering_puts_unknown_last_either_way(ogql: GraphQL) -> None:
    ascending = _slugs(ogql, orderBy={"field": "CHEAPEST_OFFER"}, first=10)
    assert ascending[:2] == ["paligemma", "gpt-5.2"]  # 0.10 < 1.50 (OpenRouter's, not OpenAI's)
    descending = _slugs(ogql, orderBy={"field": "CHEAPEST_OFFER", "direction": "DESC"}, first=10)
    assert descending[:2] == ["gpt-5.2", "paligemma"]
    assert len(ascending) == len(descending) == SEED_MODELS
    assert set(ascending[2:]) == set(descending[2:])  # the unpriced, last both ways
    # Paging by cursor walks the same order.
    first = ogql.data(LIST, {"orderBy": {"field": "CHEAPEST_OFFER"}, "first": 3})["models"]
    rest = _slugs(
        ogql, orderBy={"field": "CHEAPEST_OFFER"}, first=10, after=first["pageInfo"]["endCursor"]
    )
    assert [n["slug"] for n in first["nodes"]] + rest == ascending


def test_the_listing_defaults_to_newest_first_unknown_dates_last(ogql: GraphQL) -> None:
    nodes = ogql.data(LIST, {"first": 10})["models"]["nodes"]
    dates = [n["releaseDate"]["value"] for n in nodes]
    known = [d for d in dates if d is not None]
    assert known == sorted(known, reverse=True) and len(known) >= 2
    assert dates == known + [None] * (len(dates) - len(known))


def test_research_only_models_are_marked_and_can_be_filtered_out(ogql: GraphQL) -> None:
    everything = ogql.data(LIST, {"first": 10})["models"]
    assert {n["slug"] for n in everything["nodes"] if n["researchOnly"]} == {"pali-3"}
    hidden = ogql.data(LIST, {"filter": {"researchOnly": False}, "first": 10})["models"]
    assert "pali-3" not in [n["slug"] for n in hidden["nodes"]]
    assert hidden["totalCount"] == everything["totalCount"] - 1
    assert _slugs(ogql, filter={"researchOnly": True}) == ["pali-3"]


COMPARE = """
query($models: [String!]!, $workload: WorkloadInput) {
  compare(models: $models, workload: $workload) {
    sections { key title rows { key label cells { model display state value } leaders } }
    costs {
      model state display total currency basis note missing
      price { inputPerMtok }
      offer { route provider { slug } }
    }
  }
}
"""


def _section(answer: dict, key: str) -> dict[str, list[dict]]:
    (section,) = [s for s in answer["compare"]["sections"] if s["key"] == key]
    return {row["key"]: row["cells"] for row in section["rows"]}


def test_compare_shows_where_to_run_it(ogql: GraphQL) -> None:
    answer = ogql.data(COMPARE, {"models": ["gpt-5.2", "paligemma", "gemma-2b"]})
    titles = [s["title"] for s in answer["compare"]["sections"]]
    assert "Where to run it" in titles
    rows = _section(answer, "where")
    gpt, pali, gemma = rows["providers"]
    assert gpt["display"] == "OpenRouter, OpenAI, Microsoft Azure"
    assert gpt["value"] == ["openrouter", "openai", "azure"]
    assert pali["display"] == "OpenRouter"
    assert gemma["state"] == "UNKNOWN" and gemma["display"] == "No offer on record"
    gpt, pali, gemma = rows["cheapest_offer"]
    assert gpt["display"] == "$1.50 in / $12.00 out at OpenRouter"
    assert gpt["value"]["route"] == "openai/gpt-5.2"
    assert pali["display"] == "$0.10 in / $0.40 out at OpenRouter"
    assert gemma["state"] == "UNKNOWN"
    gpt, pali, _ = rows["list_price"]
    assert gpt["display"] == "$1.75 in / $14.00 out"
    assert pali["state"] == "UNKNOWN"


def test_compare_without_any_offer_has_no_where_section(ogql: GraphQL) -> None:
    answer = ogql.data(COMPARE, {"models": ["gemma-2b", "siglip-so400m"]})
    assert "where" not in [s["key"] for s in answer["compare"]["sections"]]


def test_cost_falls_back_to_the_cheapest_offer_and_says_so(ogql: GraphQL) -> None:
    workload = {"inputTokens": 1_000_000, "outputTokens": 500_000}
    answer = ogql.data(
        COMPARE, {"models": ["gpt-5.2", "paligemma", "gemma-2b"], "workload": workload}
    )
    gpt, pali, gemma = answer["compare"]["costs"]
    # GPT-5.2 keeps its maker's list price, although OpenRouter is cheaper.
    assert gpt["basis"] == "LIST_PRICE" and gpt["total"] == "8.75" and gpt["note"] is None
    assert gpt["price"] == {"inputPerMtok": "1.75"} and gpt["offer"] is None
    # PaliGemma has no list price: 1M x 0.10 + 0.5M x 0.40 at OpenRouter.
    assert pali["basis"] == "CHEAPEST_OFFER" and pali["total"] == "0.3"
    assert pali["display"] == "$0.30 (cheapest offer: OpenRouter)"
    assert "No list price" in pali["note"] and "OpenRouter" in pali["note"]
    assert pali["offer"] == {"route": "google/paligemma", "provider": {"slug": "openrouter"}}
    assert pali["price"] is None
    assert gemma["state"] == "UNKNOWN" and gemma["basis"] is None and gemma["missing"] == ["price"]
    cost_row = _section(answer, "pricing")["estimated_cost"]
    assert cost_row[1]["display"] == "$0.30 (cheapest offer: OpenRouter)"


def test_an_unpriced_offer_is_not_a_price(ogql: GraphQL) -> None:
    # Cached input is priced only by OpenRouter's GPT-5.2 offer; PaliGemma's offer lacks it.
    answer = ogql.data(
        COMPARE, {"models": ["paligemma", "gemma-2b"], "workload": {"cachedInputTokens": 10}}
    )
    pali = answer["compare"]["costs"][0]
    assert pali["state"] == "UNKNOWN" and pali["basis"] is None
    assert pali["note"] == "No list price from the maker, and no offer prices the whole workload."


def test_compare_offers_cost_one_statement_for_all_models(
    ogql: GraphQL, ostatements: StatementCounter
) -> None:
    counts = []
    for models in (
        ["gpt-5.2", "paligemma"],
        ["gpt-5.2", "paligemma", "gemma-2b", "gpt-5.1", "pali-3", "paligemma-2", "siglip-so400m"],
    ):
        before = ostatements.count
        ogql.data(COMPARE, {"models": models, "workload": {"inputTokens": 1000}})
        counts.append(ostatements.count - before)
    assert counts[0] == counts[1]
    # names, models, organizations, licenses, variants, prices, capabilities, collections,
    # lineage, offers (with their providers' names, one join), and the organizations of the
    # offers the costs used (this query asks for `offer { provider }`)
    assert counts[0] <= 11


PAGE_CHEAPEST = """
query($first: Int) {
  models(first: $first, orderBy: {field: NAME}) {
    nodes {
      slug
      price { inputPerMtok }
      offers { nodes { inputPerMtok outputPerMtok } }
      cheapestOffer { inputPerMtok outputPerMtok provider { name } }
    }
  }
}
"""


def test_the_cheapest_offer_is_read_with_the_offers_and_never_as_the_list_price(
    ogql: GraphQL, ostatements: StatementCounter
) -> None:
    before = ostatements.count
    ogql.data(PAGE_CHEAPEST, {"first": 3})
    small = ostatements.count - before
    before = ostatements.count
    nodes = {n["slug"]: n for n in ogql.data(PAGE_CHEAPEST, {"first": 7})["models"]["nodes"]}
    assert small == ostatements.count - before <= 4  # no statement of its own
    paligemma = nodes["paligemma"]
    assert paligemma["price"] is None  # the maker lists no price: the offer stays an offer
    assert paligemma["cheapestOffer"] == {
        "inputPerMtok": "0.1",
        "outputPerMtok": "0.4",
        "provider": {"name": "OpenRouter"},
    }
    for node in nodes.values():
        priced = [
            o["inputPerMtok"] for o in node["offers"]["nodes"] if o["inputPerMtok"] is not None
        ]
        if priced:
            assert node["cheapestOffer"]["inputPerMtok"] == min(priced, key=float)
        else:
            assert node["cheapestOffer"] is None or node["cheapestOffer"]["inputPerMtok"] is None
