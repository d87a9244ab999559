"""Every bad seed file is refused with its file, field and reason, and writes nothing."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.db import make_engine
from tests.conftest import run_cli
from tests.snapshot import snapshot

Edit = Callable[[Path], None]


def edit_yaml(relative: str, change: Callable[[Any], Any]) -> Edit:
    def apply(seed: Path) -> None:
        path = seed / relative
        data = change(yaml.safe_load(path.read_text()))
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    return apply


def with_item(key: str, value: Any) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        data[key] = value
        return data

    return change


def gpt_price(**fields: Any) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        data["prices"][0].update(fields)
        return data

    return change


def second_gpt_price(**fields: Any) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        data["prices"].append({"currency": "USD", "input_per_mtok": "2.00", **fields})
        return data

    return change


def duplicate_model_file(seed: Path) -> None:
    (seed / "models" / "gpt-5.2-copy.yaml").write_text(
        (seed / "models" / "gpt-5.2.yaml").read_text()
    )


def broken_yaml(seed: Path) -> None:
    (seed / "models" / "paligemma.yaml").write_text("slug: paligemma\nname: [unclosed\n")


CASES: dict[str, tuple[Edit, list[str]]] = {
    "wrong type": (
        edit_yaml("models/gpt-5.2.yaml", with_item("context_window", {"value": "lots"})),
        ["seed/models/gpt-5.2.yaml: context_window.value:", "valid integer", "'lots'"],
    ),
    "unknown organization": (
        edit_yaml("models/gpt-5.2.yaml", with_item("organization", {"value": "opneai"})),
        [
            "seed/models/gpt-5.2.yaml: organization.value: unknown organization 'opneai'",
            "did you mean 'openai'?",
        ],
    ),
    "unknown task": (
        edit_yaml(
            "models/paligemma.yaml",
            lambda d: {**d, "capabilities": [*d["capabilities"], {"task": "object-detektion"}]},
        ),
        [
            "seed/models/paligemma.yaml: capabilities[5].task: unknown task 'object-detektion'",
            "did you mean 'object-detection'?",
        ],
    ),
    "duplicate model slug": (
        duplicate_model_file,
        [
            "seed/models/gpt-5.2.yaml: slug: duplicate slug 'gpt-5.2', "
            "already used by seed/models/gpt-5.2-copy.yaml"
        ],
    ),
    "duplicate task slug": (
        edit_yaml("taxonomy/tasks.yaml", lambda d: [*d, d[0]]),
        ["seed/taxonomy/tasks.yaml: slug: duplicate slug 'image-captioning' (2 entries)"],
    ),
    "negative price": (
        edit_yaml("models/gpt-5.2.yaml", gpt_price(input_per_mtok="-1.75")),
        [
            "seed/models/gpt-5.2.yaml: prices[0].input_per_mtok:",
            "greater than or equal to 0",
            "'-1.75'",
        ],
    ),
    "overlapping price dates": (
        edit_yaml("models/gpt-5.2.yaml", second_gpt_price(effective_from="2026-01-01")),
        [
            "seed/models/gpt-5.2.yaml: prices[1]: overlaps prices[0] for the model",
            "close the earlier one with effective_to",
        ],
    ),
    "price range backwards": (
        edit_yaml(
            "models/gpt-5.2.yaml", gpt_price(effective_from="2026-02-01", effective_to="2026-01-01")
        ),
        ["seed/models/gpt-5.2.yaml: prices[0]: effective_from must be before effective_to"],
    ),
    "misspelt field": (
        edit_yaml("models/gpt-5.2.yaml", with_item("contex_window", {"value": 1})),
        ["seed/models/gpt-5.2.yaml: contex_window: unknown field"],
    ),
    "alias taken by another model": (
        edit_yaml("models/gpt-5.2.yaml", with_item("aliases", ["PaliGemma"])),
        [
            "seed/models/gpt-5.2.yaml: aliases: name 'PaliGemma' is already used by model "
            "'paligemma'"
        ],
    ),
    "bad release date": (
        edit_yaml("models/gpt-5.2.yaml", with_item("release_date", {"value": "2025-13"})),
        ["seed/models/gpt-5.2.yaml: release_date.value:", "'2025-13' is not a real date"],
    ),
    "not valid yaml": (broken_yaml, ["seed/models/paligemma.yaml: not valid YAML at line"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_seed_is_refused_and_nothing_changes(
    case: str, seeded_db_url: str, seed_copy: Path
) -> None:
    edit, expected = CASES[case]
    # Make a legitimate change too, so a half-applied run would show in the snapshot.
    edit_yaml("models/paligemma-2.yaml", with_item("name", "PaliGemma Two"))(seed_copy)
    edit(seed_copy)
    engine = make_engine(seeded_db_url)
    before = snapshot(engine)
    result = run_cli("seed", "--seed-dir", str(seed_copy), database_url=seeded_db_url)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    message = " ".join(result.stderr.split())
    for fragment in expected:
        assert fragment in message
    assert "Traceback" not in result.stderr
    assert snapshot(engine) == before
    engine.dispose()


def test_a_fresh_database_stays_empty_after_a_refused_seed(
    empty_db_url: str, seed_copy: Path
) -> None:
    edit_yaml("models/gpt-5.2.yaml", gpt_price(output_per_mtok="-14"))(seed_copy)
    result = run_cli("seed", "--seed-dir", str(seed_copy), database_url=empty_db_url)
    assert result.returncode == 1
    engine = make_engine(empty_db_url)
    assert all(rows == [] for rows in snapshot(engine).values())
    engine.dispose()
