"""Epoch AI's CSVs (all models, or notable models): one row per model.

Both files share the columns read here; the header tells which data set a file is, so each
gets its own `sources` row and commit.
"""

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from service.catalog.errors import CatalogError, Problem
from service.catalog.identity import apart_by_tuning, model_key, org_words
from service.importers.provenance import source_info
from service.importers.records import ModelRecord, Parsed, Skipped

REQUIRED = {"Model", "Organization", "Publication date", "Parameters", "Model accessibility"}
ALL_MODELS = ("epoch-ai-all-models", "291adcd7bd58959d3db6382d8d2e07e96dc32b54")
NOTABLE = ("epoch-ai-notable-models", "7141f9bc8c2864d965ef82e031ecad44559780c7")
_OPEN = "open weights"
_ACCESS = {"api access": "api", "hosted access (no api)": "hosted", "unreleased": "unreleased"}
_CLOSED = ("api access", "hosted access (no api)", "unreleased")


def parse(path: Path, advance: Callable[[int], None] = lambda n: None) -> Parsed:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise _refuse(path, f"cannot read it ({exc.strerror})") from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = set(reader.fieldnames or [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _refuse(path, f"cannot read a CSV header ({exc})") from None
        missing = REQUIRED - header
        if missing:
            raise _refuse(path, f"no column {', '.join(sorted(missing))}")
        slug, commit = NOTABLE if "Frontier model" in header else ALL_MODELS
        title = "Epoch AI, " + ("Notable AI Models" if slug == NOTABLE[0] else "AI Models (all)")
        parsed = Parsed(
            source_info(
                path,
                slug,
                title,
                "https://epoch.ai/data/ai-models",
                commit,
                "CC BY 4.0, attribution: Epoch AI. Publication dates are the paper's or "
                "announcement's; parameters are counts.",
            ),
            path,
        )
        rows: list[tuple[int, dict[str, str]]] = []
        try:
            for line, row in enumerate(reader, start=2):
                advance(1)
                parsed.entries += 1
                rows.append((reader.line_num or line, row))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _refuse(path, f"the CSV breaks off ({exc})") from None
    makers: dict[str, set[str]] = {}  # key -> the organizations of the rows with that name
    for _, row in rows:
        key = model_key((row.get("Model") or "").strip(), route=False)
        makers.setdefault(key, set()).add(_organization(row.get("Organization") or "") or "")
    seen: dict[str, int] = {}
    for line, row in rows:
        _read_row(path, line, row, seen, parsed, makers)
    # the file names each model once: a row "X" and a row "X Instruct" are two models
    apart = apart_by_tuning([[model_key(r.name, route=False) for r in parsed.records]])
    for record in parsed.records:
        record.foldable = model_key(record.name, route=False) not in apart
    return parsed


def _refuse(path: Path, why: str) -> CatalogError:
    return CatalogError([Problem(str(path), "", f"not an Epoch AI models CSV: {why}")])


def _read_row(
    path: Path,
    line: int,
    row: dict[str, str],
    seen: dict[str, int],
    parsed: Parsed,
    makers: dict[str, set[str]],
) -> None:
    name = (row.get("Model") or "").strip()
    where = f"{path.name}: line {line}" + (f" ({name})" if name else "")
    if not name:
        parsed.skipped.append(Skipped(where, "empty Model name"))
        return
    organization = _organization(row.get("Organization") or "")
    if len(makers.get(model_key(name, route=False), ())) > 1 and organization:
        # Two organizations' models with one name (CALM by NVIDIA, CaLM by Oxford): the
        # organization is part of each one's name, so neither joins the other.
        name = f"{name} ({organization})"
    key = model_key(name, route=False)
    if key in seen:
        parsed.skipped.append(Skipped(where, f"same model as the row at line {seen[key]}"))
        return
    seen[key] = line
    try:
        record = ModelRecord(
            external_id=name,
            name=name,
            names=[name],
            organization=organization,
            open_weights=_open_weights(row.get("Model accessibility") or ""),
            access=_access(row.get("Model accessibility") or ""),
            release_date=_date(row.get("Publication date") or ""),
            parameters=_parameters(row.get("Parameters") or ""),
            routes=False,
            # a name two organizations share is qualified by its maker in the catalog, so a
            # file where it is not shared (the notable file) still finds its own model
            links=[f"{name} ({organization})"] if organization and "(" not in name else [],
        )
    except ValueError as exc:
        parsed.skipped.append(Skipped(where, str(exc)))
        return
    parsed.records.append(record)


def _organization(text: str) -> str | None:
    """The first organization named; Epoch joins co-authors' with commas."""
    first = text.split(",")[0].strip()
    return first if org_words(first) else None


def _open_weights(text: str) -> bool | None:
    value = text.strip().lower()
    if value.startswith(_OPEN):
        return True
    if value in _CLOSED:
        return False
    return None


def _access(text: str) -> str | None:
    """How the model can be used: api, hosted (no API), open_weights, unreleased."""
    value = text.strip().lower()
    if value.startswith(_OPEN):
        return "open_weights"
    return _ACCESS.get(value)


def _date(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"Publication date {text!r} is not a YYYY-MM-DD date") from None


def _parameters(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"Parameters {text!r} is not a number") from None
    if not value.is_finite() or value < 1:
        raise ValueError(f"Parameters {text!r} is not a positive count")
    # Float notation carries binary noise (243000000.00000003): the count is the nearest whole.
    return int(value.to_integral_value())
