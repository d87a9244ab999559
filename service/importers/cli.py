"""`modelcat import ...`: read a public data set and put it in the catalog, in one transaction."""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from service.catalog.errors import CatalogError
from service.config import Settings, get_settings
from service.db import database_url, make_engine
from service.importers import epoch, fetch, litellm, models_dev
from service.importers.records import Parsed
from service.importers.report import catalog_report
from service.importers.write import ImportReport, write_parsed
from service.migrate import upgrade

app = typer.Typer(
    help="Import a public model catalog: models.dev, LiteLLM or Epoch AI.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)
WRITE_STEPS = 11
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|Decimal\([^)]*\)|(?<![\w-])-?\d[\w.:+-]*")

# --- fetching the published file when no path is given (service/importers/fetch.py) ---


def _fetch_help(source: str, what: str) -> str:
    setting = fetch.PUBLISHED[source].setting
    default = Settings.model_fields[setting.lower()].default
    return f"{what}; omitted: download the published file from {setting} (default {default})"


@contextmanager
def _local_or_fetched(source: str, path: Path | None) -> Iterator[Path]:
    if path is not None:
        yield path
        return
    try:
        with fetch.published_file(source, get_settings(), err) as local:
            yield local
    except fetch.FetchError as exc:
        err.print(f"[bold red]download failed[/]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None


# --- end of fetching ---

Examples = Annotated[int, typer.Option(help="How many skipped entries and conflicts to list")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing")]
AllowShrink = Annotated[
    bool,
    typer.Option(
        "--allow-shrink",
        help="Import a file stating under half the models of this source's last import",
    ),
]


@app.command("models-dev")
def import_models_dev(
    path: Annotated[
        Path | None,
        typer.Argument(
            help=_fetch_help("models-dev", "the models.dev folder (providers/, models/)")
        ),
    ] = None,
    dry_run: DryRun = False,
    examples: Examples = 10,
    allow_shrink: AllowShrink = False,
) -> None:
    """Import a models.dev tree: one model per identity, prices from the maker's own provider."""
    with _local_or_fetched("models-dev", path) as local:
        _run(local, models_dev.parse, _count_toml, dry_run, examples, allow_shrink)


@app.command("litellm")
def import_litellm(
    file: Annotated[
        Path | None,
        typer.Argument(help=_fetch_help("litellm", "model_prices_and_context_window.json")),
    ] = None,
    dry_run: DryRun = False,
    examples: Examples = 10,
    allow_shrink: AllowShrink = False,
) -> None:
    """Import LiteLLM's price and context-window table (prices per token become per 1M)."""
    with _local_or_fetched("litellm", file) as local:
        _run(local, litellm.parse, None, dry_run, examples, allow_shrink)


@app.command("epoch")
def import_epoch(
    file: Annotated[
        Path | None,
        typer.Argument(
            help=_fetch_help("epoch", "Epoch AI all_ai_models.csv or notable models CSV")
        ),
    ] = None,
    dry_run: DryRun = False,
    examples: Examples = 10,
    allow_shrink: AllowShrink = False,
) -> None:
    """Import an Epoch AI models CSV: organizations, publication dates, parameters, access."""
    with _local_or_fetched("epoch", file) as local:
        _run(local, epoch.parse, None, dry_run, examples, allow_shrink)


def _parser(path: Path) -> Callable[..., Parsed]:
    """Which data set a path is: a models.dev folder, LiteLLM's JSON, an Epoch CSV."""
    if path.is_dir():
        return models_dev.parse
    if path.suffix.lower() == ".json":
        return litellm.parse
    if path.suffix.lower() == ".csv":
        return epoch.parse
    err.print(
        f"[bold red]repair refused[/]: {path}: not a models.dev folder, a LiteLLM .json or an "
        "Epoch AI .csv",
        highlight=False,
    )
    raise typer.Exit(code=1)


@app.command("repair")
def import_repair(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="the data sets to import again, in precedence order: the models.dev folder, "
            "LiteLLM's .json, Epoch AI .csv files"
        ),
    ],
    dry_run: DryRun = False,
    examples: Examples = 10,
) -> None:
    """Import the files again as into a fresh catalog, in one transaction: models an older
    release merged wrongly are split, and imported models no source states are removed."""
    from service.importers.repair import repair

    parsers = [(_parser(path), path) for path in paths]
    try:
        parsed = [parse(path) for parse, path in parsers]
        url = database_url()
        upgrade(url)
        engine = make_engine(url)
        try:
            report = repair(
                engine,
                parsed,
                dry_run=dry_run,
                waiting=lambda why: err.print(f"[yellow]{why}[/]", highlight=False),
            )
        finally:
            engine.dispose()
    except CatalogError as exc:
        err.print("[bold red]repair refused[/]: nothing was written", highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    for result in report.reports:
        _summary(result, dry_run, examples)
    verb = "would leave" if dry_run else "leaves"
    out.print(
        f"repair {verb} {report.models_after:,} models (was {report.models_before:,}); "
        f"{len(report.removed)} imported models no source states removed"
        + (f" ({', '.join(report.removed[:examples])})" if report.removed else "")
        + (
            f"; {len(report.kept)} kept for values set by hand "
            f"({', '.join(report.kept[:examples])})"
            if report.kept
            else ""
        ),
        highlight=False,
        soft_wrap=True,
    )


@app.command("report")
def report() -> None:
    """Print the share of models with an organization, a price or an offer, and more."""
    url = database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        figures = catalog_report(engine)
    finally:
        engine.dispose()
    for line in figures.lines():
        out.print(line, highlight=False, markup=False)


def _count_toml(path: Path) -> int | None:
    return sum(1 for _ in path.glob("**/*.toml")) if path.is_dir() else None


def _run(
    path: Path,
    parse: Callable[..., Parsed],
    total: Callable[[Path], int | None] | None,
    dry_run: bool,
    examples: int,
    allow_shrink: bool = False,
) -> None:
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    try:
        with progress:
            size = total(path) if total else None
            reading = progress.add_task(f"reading {path.name}", total=size)
            # the whole file is read (or refused) before the database is touched
            parsed = parse(path, lambda n: progress.advance(reading, n))
            progress.update(reading, total=parsed.entries, completed=parsed.entries)
            writing = progress.add_task("writing", total=WRITE_STEPS)
            url = database_url()
            upgrade(url)
            engine = make_engine(url)
            try:
                report = write_parsed(
                    engine,
                    parsed,
                    step=lambda what: progress.update(writing, description=what, advance=1),
                    dry_run=dry_run,
                    allow_shrink=allow_shrink,
                    waiting=lambda why: err.print(f"[yellow]{why}[/]", highlight=False),
                )
            finally:
                engine.dispose()
            progress.update(writing, description="done", completed=WRITE_STEPS)
    except CatalogError as exc:
        err.print("[bold red]import refused[/]: nothing was written", highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    _summary(report, dry_run, examples)


def _summary(report: ImportReport, dry_run: bool, examples: int) -> None:
    verb = "would change (dry run: nothing written)" if dry_run else "done"
    out.print(
        f"import {report.source} @ {report.version}: {verb}; {report.entries} entries read, "
        f"{report.records} models stated, {report.models_matched} matched a catalog model "
        f"({report.curated_kept} curated, kept as curated), {len(report.skipped)} skipped",
        highlight=False,
        soft_wrap=True,
    )
    counts = report.log.counts()
    unchanged = sum(report.log.unchanged.values())
    out.print(
        f"changes: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted, {unchanged} unchanged",
        highlight=False,
    )
    identity = report.identity
    out.print(
        f"identity: {identity.by_id} linked by an explicit id, {identity.by_name} by name, "
        f"{identity.new} new, {len(identity.ambiguous)} ambiguous (joined neither), "
        f"{sum(1 for s in report.skipped if 'not a model' in s.reason)} skipped as not a model; "
        f"{report.offers} offers",
        highlight=False,
        soft_wrap=True,
    )
    for line in identity.ambiguous[:examples]:
        out.print(f"  ambiguous {line}", highlight=False, markup=False, soft_wrap=True)
    if identity.releases:
        out.print(
            f"{len(identity.releases)} undated ids naming several releases, not models of "
            "their own (looking one up suggests its releases):",
            highlight=False,
            soft_wrap=True,
        )
    for line in identity.releases[:examples]:
        out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    table = Table("rows", "created", "updated", "deleted", "unchanged")
    for entity, counts in sorted(report.log.by_entity().items()):
        table.add_row(
            entity,
            *(str(counts[k]) for k in ("create", "update", "delete", "unchanged")),
        )
    out.print(table)
    if report.skipped:
        reasons = Counter(_reason_kind(s.reason) for s in report.skipped)
        out.print("skipped, by reason:")
        for reason, count in reasons.most_common():
            out.print(f"  {count:5d}  {reason}", highlight=False, markup=False)
        for skipped in report.skipped[:examples]:
            out.print(f"  skipped {skipped}", highlight=False, markup=False, soft_wrap=True)
    if report.conflicts:
        out.print(
            f"{len(report.conflicts)} conflict(s) with a higher-precedence value, kept and "
            "recorded in fact_conflicts:"
        )
        for line in report.conflicts[:examples]:
            out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)


def _reason_kind(reason: str) -> str:
    """Group reasons without their values: "Parameters 'x' is not a number" -> "Parameters …"."""
    return " ".join(_VALUES.sub("…", reason).split())
