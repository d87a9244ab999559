"""compare(): the source page's table for GPT-5.2 vs PaliGemma, and any other set of models."""

from typing import Any

from tests.graphql.conftest import GraphQL

TABLE = """
query Compare($models: [String!]!, $workload: WorkloadInput, $asOf: Date) {
  compare(models: $models, workload: $workload, asOf: $asOf) {
    asOf
    models { slug name }
    sections {
      key title
      rows { key label group differs better leaders cells { model display state value } }
    }
    sharedTasks { slug }
    partialTasks { task { slug } models }
    demo { available reason minimumSharedTasks sharedTasks { slug } }
    costs { model state display currency total inputCost outputCost cachedInputCost missing
            price { inputPerMtok outputPerMtok } }
  }
}
"""


def _table(result: dict[str, Any]) -> dict[str, list[tuple[str, list[str]]]]:
    return {
        section["title"]: [
            (row["label"], [cell["display"] for cell in row["cells"]]) for row in section["rows"]
        ]
        for section in result["sections"]
    }


def _row(result: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for s in result["sections"] for r in s["rows"] if r["key"] == key)


def test_gpt_5_2_vs_paligemma_is_the_source_pages_table(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["gpt-5.2", "paligemma"]})["compare"]
    assert [m["name"] for m in result["models"]] == ["GPT-5.2", "PaliGemma"]
    assert _table(result) == {
        "Overview": [
            ("Organization", ["OpenAI", "Google"]),
            ("Category", ["closed", "open"]),
            ("Open weights", ["No", "Yes"]),
            ("Modality", ["multimodal", "multimodal"]),
            ("Input", ["text, image", "text, image"]),  # one order for all models
            ("Output", ["text", "text"]),
            ("Release Date", ["Dec 2025", "May 2024"]),
            ("Context Window", ["400K", "—"]),
            ("Parameters", ["Undisclosed", "3B"]),
            ("License", ["Proprietary", "Custom"]),
            ("License name", ["Proprietary", "Gemma license"]),
            (
                "Commercial use",
                [
                    "—",
                    "Allowed with conditions: Commercial use is permitted "
                    "subject to the terms of the Gemma Prohibited Use Policy.",
                ],
            ),
            ("Status", ["Active", "Active"]),
        ],
        "Pricing per 1M tokens": [
            ("Input $/1M", ["$1.75", "—"]),
            ("Output $/1M", ["$14.00", "—"]),
            ("Cached input $/1M", ["—", "—"]),
        ],
        "Vision tasks": [
            ("Captioning", ["Demo", "After fine-tuning"]),
            ("Visual Question Answering", ["Demo", "After fine-tuning"]),
            ("Classification", ["Demo", "—"]),
            ("Object Detection", ["Demo", "After fine-tuning"]),
            ("OCR", ["Demo", "After fine-tuning"]),
            ("Referring Expression Segmentation", ["—", "After fine-tuning"]),
            ("Tasks supported", ["5", "5"]),
            ("Tasks with a live demo", ["5", "0"]),
        ],
        "Model features": [
            ("LLMs with Vision Capabilities", ["Yes", "—"]),
            ("Multimodal Vision", ["Yes", "Yes"]),
            ("Foundation Vision", ["—", "Yes"]),
        ],
        "Variants and lineage": [
            (
                "Variants",
                [
                    "GPT-5.2 Instant, GPT-5.2 Thinking, GPT-5.2 Pro",
                    "PaliGemma 224px, PaliGemma 448px, PaliGemma 896px, PaliGemma PT, "
                    "PaliGemma Mix",
                ],
            ),
            ("Predecessor", ["GPT-5.1", "—"]),
            ("Successor", ["—", "PaliGemma 2"]),
            ("Built from", ["—", "SigLIP-So400m (vision encoder), Gemma 2B (language model)"]),
            ("Inspired by", ["—", "PaLI-3"]),
        ],
    }


def test_states_differences_and_leaders(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["gpt-5.2", "paligemma"]})["compare"]
    context = _row(result, "context_window")
    assert [c["state"] for c in context["cells"]] == ["KNOWN", "UNKNOWN"]
    assert context["cells"][0]["value"] == 400000
    assert context["differs"] is True
    assert context["leaders"] == []  # one known value: nobody is "ahead"
    params = _row(result, "parameters")
    assert [c["state"] for c in params["cells"]] == ["UNDISCLOSED", "KNOWN"]
    assert params["cells"][1]["value"] == 3_000_000_000
    released = _row(result, "release_date")
    assert released["better"] == "HIGHER" and released["leaders"] == ["gpt-5.2"]
    assert released["cells"][1]["value"] == {"date": "2024-05-01", "precision": "month"}
    assert _row(result, "modality")["differs"] is False
    assert _row(result, "demo_tasks")["leaders"] == ["gpt-5.2"]
    assert _row(result, "tasks_supported")["leaders"] == []  # 5 and 5: a tie
    assert _row(result, "task:image-captioning")["group"] == "Vision Tasks"
    assert _row(result, "task:ocr")["group"] == "Vision Language"
    price = _row(result, "input_price")
    assert price["cells"][0]["value"] == {"amount": "1.75", "currency": "USD"}


def test_demo_verdict_and_shared_tasks(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["gpt-5.2", "paligemma"]})["compare"]
    assert result["demo"] == {
        "available": False,
        "reason": "These models don't share enough common tasks for a side-by-side demo.",
        "minimumSharedTasks": 1,
        "sharedTasks": [],
    }
    assert [t["slug"] for t in result["sharedTasks"]] == [
        "image-captioning",
        "visual-question-answering",
        "object-detection",
        "ocr",
    ]
    assert result["partialTasks"] == [
        {"task": {"slug": "image-classification"}, "models": ["gpt-5.2"]},
        {"task": {"slug": "referring-expression-segmentation"}, "models": ["paligemma"]},
    ]


def test_cost_estimate_for_a_workload(gql: GraphQL) -> None:
    workload = {"inputTokens": 2_000_000, "outputTokens": 500_000, "cachedInputTokens": 0}
    result = gql.data(TABLE, {"models": ["gpt-5.2", "paligemma"], "workload": workload})
    gpt, pali = result["compare"]["costs"]
    # 2M x $1.75 + 0.5M x $14.00 = $3.50 + $7.00
    assert gpt == {
        "model": "gpt-5.2",
        "state": "KNOWN",
        "display": "$10.50",
        "currency": "USD",
        "total": "10.5",
        "inputCost": "3.5",
        "outputCost": "7",
        "cachedInputCost": "0",
        "missing": [],
        "price": {"inputPerMtok": "1.75", "outputPerMtok": "14"},
    }
    assert pali["state"] == "UNKNOWN" and pali["missing"] == ["price"] and pali["total"] is None
    row = _row(result["compare"], "estimated_cost")
    assert [c["display"] for c in row["cells"]] == ["$10.50", "—"]


def test_cost_needs_every_price_the_workload_uses(gql: GraphQL) -> None:
    workload = {"inputTokens": 1000, "cachedInputTokens": 1000}
    result = gql.data(TABLE, {"models": ["gpt-5.2", "paligemma"], "workload": workload})
    gpt = result["compare"]["costs"][0]
    assert gpt["state"] == "UNKNOWN"
    assert gpt["missing"] == ["cached_input price"]


def test_aliases_in_any_case_name_the_same_models(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["GPT-5-2", "PaliGemma-3B"]})["compare"]
    assert [m["slug"] for m in result["models"]] == ["gpt-5.2", "paligemma"]


def test_three_models(gql: GraphQL) -> None:
    result = gql.data(TABLE, {"models": ["paligemma", "gpt-5.2", "paligemma-2"]})["compare"]
    assert [m["slug"] for m in result["models"]] == ["paligemma", "gpt-5.2", "paligemma-2"]
    released = _row(result, "release_date")
    assert [c["display"] for c in released["cells"]] == ["May 2024", "Dec 2025", "Dec 2024"]
    assert released["leaders"] == ["gpt-5.2"]
    lineage = _row(result, "successor")
    assert [c["display"] for c in lineage["cells"]] == ["PaliGemma 2", "—", "—"]
    assert _row(result, "predecessor")["cells"][2]["display"] == "PaliGemma"
    assert result["sharedTasks"] == []  # PaliGemma 2 has no tasks on record
    tasks = _row(result, "tasks_supported")
    assert [c["display"] for c in tasks["cells"]] == ["5", "5", "—"]
    assert [c["state"] for c in tasks["cells"]] == ["KNOWN", "KNOWN", "UNKNOWN"]
    assert result["demo"]["available"] is False
    coverage = {c["task"]["slug"]: c["models"] for c in result["partialTasks"]}
    assert coverage["ocr"] == ["paligemma", "gpt-5.2"]
