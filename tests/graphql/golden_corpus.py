"""A corpus of requests whose answers were recorded before the read path was rebuilt.

`test_golden.py` replays them and compares each answer with the recording, byte for byte
after normalising whitespace (key order included). Entries may chain: a later request reads
a cursor from an earlier answer.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SOURCE = "source { slug title url document version retrievedOn }"
CITATION = f"field quote value externalId {SOURCE}"
FACT = f"state display sources {{ {CITATION} }}"
MODEL_ALL = f"""
  slug name family version status aliases modality
  organization {{ slug name website {SOURCE} models {{ nodes {{ slug }} }} }}
  license {{ slug name kind spdxId commercialUse commercialTerms url {SOURCE} models {{ nodes {{ slug }} }} }}
  category {{ value {FACT} }}
  openWeights {{ value {FACT} }}
  inputModalities {{ value {FACT} }}
  outputModalities {{ value {FACT} }}
  releaseDate {{ value precision {FACT} }}
  contextWindow {{ value {FACT} }}
  parameters {{ value disclosure {FACT} }}
  overview {{ value {FACT} }}
  variants {{ slug name axis differs inputResolutionPx {SOURCE} }}
  price {{ variant currency inputPerMtok outputPerMtok cachedInputPerMtok effectiveFrom effectiveTo }}
  pastPrice: price(asOf: "2020-01-01") {{ currency inputPerMtok }}
  futurePrice: price(asOf: "2030-01-01") {{ currency inputPerMtok outputPerMtok }}
  priceHistory {{ variant currency inputPerMtok outputPerMtok cachedInputPerMtok effectiveFrom effectiveTo {SOURCE} }}
  capabilities {{ task {{ slug name group description }} support hasDemo demoUrl note {SOURCE} }}
  collections {{ slug name description }}
  lineage {{ relation direction model {{ slug name }} role note {SOURCE} }}
  citations {{ {CITATION} }}
  paramCitations: citations(field: "parameters") {{ field quote }}
  conflicts {{ field value source {{ slug }} chosenValue chosenSource {{ slug }} chosenBy }}
"""

COMPARE = """
query Compare($models: [String!]!, $workload: WorkloadInput, $asOf: Date) {
  compare(models: $models, workload: $workload, asOf: $asOf) {
    asOf
    models { slug name parameters { display state } contextWindow { display } }
    sections {
      key title
      rows { key label group differs better leaders cells { model display state value } }
    }
    sharedTasks { slug name group }
    partialTasks { task { slug } models }
    demo { available reason minimumSharedTasks sharedTasks { slug } }
    costs { model state display currency total inputCost outputCost cachedInputCost missing
            price { currency inputPerMtok outputPerMtok cachedInputPerMtok effectiveFrom } }
  }
}
"""

README_COMPARE = """
{
  compare(models: ["gpt-5.2", "paligemma"], workload: {inputTokens: 1000000, outputTokens: 200000}) {
    sections { title rows { label differs leaders cells { model display state } } }
    demo { available reason }
    costs { model display }
  }
}
"""

MODEL = "query Model($slug: String!) { model(slug: $slug) { " + MODEL_ALL + " } }"

PAGE = """
query Page($filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String,
           $last: Int, $before: String) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
         before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug name organization { slug name } releaseDate { display value }
            contextWindow { display value } price { inputPerMtok outputPerMtok } } }
  }
}
"""

LISTING = """
query Page($first: Int) {
  models(first: $first) {
    nodes { slug name organization { name } releaseDate { display } contextWindow { display }
            price { inputPerMtok outputPerMtok currency } }
  }
}
"""

TAXONOMY = f"""
{{
  organizations {{ nodes {{ slug name website {SOURCE} models {{ nodes {{ slug name }} }} }} }}
  licenses {{ nodes {{ slug name kind spdxId commercialUse commercialTerms url {SOURCE} models {{ nodes {{ slug }} }} }} }}
  tasks {{ nodes {{ slug name group description models {{ nodes {{ slug }} }} }} }}
  collections {{ nodes {{ slug name description models {{ nodes {{ slug }} }} }} }}
  sources {{ nodes {{ slug title url document version retrievedOn }} }}
}}
"""

ONE_OF_EACH = """
{
  organization(slug: "Google") { slug name models { nodes { slug } } }
  license(slug: "gemma") { slug name models { nodes { slug } } }
  task(slug: "OCR") { slug name models { nodes { slug } } }
  collection(slug: "multimodal-vision") { slug name models { nodes { slug } } }
}
"""

SEED_MODELS = [
    "gpt-5.2",
    "paligemma",
    "paligemma-2",
    "gpt-5.1",
    "gemma-2b",
    "pali-3",
    "siglip-so400m",
]


@dataclass(frozen=True)
class Request:
    name: str
    query: str
    variables: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)


def _cursor(name: str, which: str) -> Callable[[dict[str, Any]], str]:
    def read(answers: dict[str, Any]) -> str:
        return str(answers[name]["body"]["data"]["models"]["pageInfo"][which])

    return read


def _page(name: str, **given: Any) -> Request:
    def variables(answers: dict[str, Any]) -> dict[str, Any]:
        return {k: v(answers) if callable(v) else v for k, v in given.items()}

    return Request(name, PAGE, variables)


def corpus() -> list[Request]:
    requests: list[Request] = [
        Request("readme-compare", README_COMPARE),
        Request("readme-compare-get", README_COMPARE, method="GET"),
    ]
    model_sets = {
        "gpt-vs-paligemma": ["gpt-5.2", "paligemma"],
        "aliases-any-case": ["GPT-5.2", "PaliGemma-3B"],
        "paligemma-family": ["paligemma", "paligemma-2", "gemma-2b", "siglip-so400m"],
        "all-seven": SEED_MODELS,
        "gpt-generations": ["gpt-5.1", "gpt-5.2"],
        "reversed": ["paligemma", "gpt-5.2"],
    }
    workloads = {
        "none": None,
        "in-out": {"inputTokens": 1_000_000, "outputTokens": 200_000},
        "cached": {"inputTokens": 5000, "outputTokens": 100, "cachedInputTokens": 2000},
        "zero": {"inputTokens": 0},
    }
    for set_name, models in model_sets.items():
        for load_name, workload in workloads.items():
            for as_of in (None, "2024-01-01", "2026-12-31"):
                variables: dict[str, Any] = {"models": models}
                if workload is not None:
                    variables["workload"] = workload
                if as_of:
                    variables["asOf"] = as_of
                requests.append(
                    Request(
                        f"compare/{set_name}/{load_name}/{as_of or 'today'}", COMPARE, variables
                    )
                )
    for slug in [*SEED_MODELS, "PaliGemma-3B"]:
        requests.append(Request(f"model/{slug}", MODEL, {"slug": slug}))
    requests += [
        Request("listing/first-20", LISTING, {"first": 20}),
        Request("listing/first-3", LISTING, {"first": 3}),
        _page("page/default"),
        _page("page/first-3", first=3),
        _page("page/first-3/next", first=3, after=_cursor("page/first-3", "endCursor")),
        _page(
            "page/first-3/next/back",
            last=3,
            before=_cursor("page/first-3/next", "startCursor"),
        ),
        _page("page/last-2", last=2),
    ]
    for order in ("NAME", "RELEASE_DATE", "CONTEXT_WINDOW", "INPUT_PRICE", "OUTPUT_PRICE"):
        for direction in ("ASC", "DESC"):
            name = f"page/{order}/{direction}"
            requests.append(_page(name, orderBy={"field": order, "direction": direction}, first=2))
            requests.append(
                _page(
                    f"{name}/next",
                    orderBy={"field": order, "direction": direction},
                    first=3,
                    after=_cursor(name, "endCursor"),
                )
            )
            requests.append(
                _page(
                    f"{name}/next/back",
                    orderBy={"field": order, "direction": direction},
                    last=1,
                    before=_cursor(f"{name}/next", "startCursor"),
                )
            )
    filters: dict[str, dict[str, Any]] = {
        "organizations": {"organizations": ["Google", "openai"]},
        "category": {"category": "OPEN"},
        "open-weights": {"openWeights": False},
        "input-image": {"inputModality": "IMAGE"},
        "output-text": {"outputModality": "TEXT"},
        "task": {"task": "ocr"},
        "demo": {"hasDemoFor": "captioning"},
        "collection": {"collection": "multimodal-vision"},
        "license-kind": {"licenseKind": "CUSTOM"},
        "commercial": {"commercialUse": True},
        "not-commercial": {"commercialUse": False},
        "price-range": {"minInputPrice": "1", "maxOutputPrice": "20"},
        "context": {"minContextWindow": 100000},
        "released": {"releasedAfter": "2024-01-01", "releasedBefore": "2025-12-31"},
        "status": {"status": ["ACTIVE"]},
        "search": {"search": "gem"},
        "search-escape": {"search": "5_2%"},
        "nothing": {"search": "no such model at all"},
    }
    for name, given in filters.items():
        requests.append(_page(f"filter/{name}", filter=given, first=5))
    requests += [
        Request("taxonomy", TAXONOMY),
        Request("one-of-each", ONE_OF_EACH),
        Request("typename", "{ __typename }"),
        # Errors a user can fix.
        Request("error/unknown-model", MODEL, {"slug": "paligema"}),
        Request("error/compare-unknown", COMPARE, {"models": ["gpt-5.2", "palligemma", "zzz"]}),
        Request("error/compare-one", COMPARE, {"models": ["gpt-5.2"]}),
        Request("error/compare-eleven", COMPARE, {"models": [*SEED_MODELS, "a", "b", "c", "d"]}),
        Request("error/compare-duplicate", COMPARE, {"models": ["gpt-5.2", "GPT-5.2"]}),
        Request(
            "error/compare-negative",
            COMPARE,
            {"models": ["gpt-5.2", "paligemma"], "workload": {"inputTokens": -1}},
        ),
        _page("error/bad-cursor", first=2, after="not-a-cursor"),
        _page("error/first-0", first=0),
        _page("error/first-101", first=101),
        _page("error/after-and-before", last=2, after="x", before="y"),
        _page("error/before-without-last", before="y"),
        Request("error/unknown-org", '{ organization(slug: "opnai") { slug } }'),
        Request("error/syntax", "{ model(slug: ) }"),
        Request("error/unknown-field", '{ model(slug: "gpt-5.2") { nope } }'),
        Request("error/bad-enum", PAGE, {"filter": {"category": "SHUT"}}),
    ]
    return requests
