"""`modelcat compare`: the comparison table in the terminal, through the same domain service."""

import asyncio
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from service.catalog import compare as comparison
from service.catalog.errors import UserInputError
from service.config import get_settings, to_sqlalchemy_url
from service.db import async_session_factory, database_url, make_async_engine

out = Console()
err = Console(stderr=True)


async def _compare(
    names: list[str], as_of: date, workload: dict[str, int] | None
) -> comparison.Comparison:
    settings = get_settings()
    engine = make_async_engine(to_sqlalchemy_url(database_url(settings)), settings)
    try:
        async with async_session_factory(engine)() as session:
            return await comparison.compare_models(
                comparison.SessionReads(session),
                names,
                as_of=as_of,
                min_shared_demo_tasks=settings.min_shared_demo_tasks,
                workload=workload,
            )
    finally:
        await engine.dispose()


def render(result: comparison.Comparison, console: Console) -> None:
    """The table by section, as the API and the pages show it."""
    slugs = [d.model.slug for d in result.models]
    names = [d.model.name for d in result.models]
    for section in result.sections:
        table = Table(title=section.title, title_justify="left", show_lines=False)
        table.add_column("")
        for name in names:
            table.add_column(name)
        for row in section.rows:
            leaders = set(row.leaders)
            cells = [
                f"[bold green]{cell.display} ▲[/]" if cell.model in leaders else cell.display
                for cell in row.cells
            ]
            label = f"{row.label} *" if row.differs else row.label
            table.add_row(label, *cells)
        console.print(table)
    console.print(f"Live demo: {result.demo.reason}")
    for cost in result.costs:
        name = names[slugs.index(cost.model)]
        console.print(f"Estimated cost, {name}: {cost.display}")
    console.print(f"[dim]Prices as of {result.as_of.isoformat()}; * the models differ; ▲ ahead.[/]")


def compare_command(
    models: Annotated[list[str], typer.Argument(help="2 to 10 slugs or aliases, any case.")],
    input_tokens: Annotated[int | None, typer.Option(help="Workload: input tokens.")] = None,
    output_tokens: Annotated[int | None, typer.Option(help="Workload: output tokens.")] = None,
    cached_input_tokens: Annotated[
        int | None, typer.Option(help="Workload: cached input tokens.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Take prices in force on this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Compare models side by side: the same table as the API's compare and the pages."""
    counts = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_input_tokens": cached_input_tokens,
    }
    given = {name: value for name, value in counts.items() if value is not None}
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        err.print(f"--as-of: {as_of!r} is not a date like 2026-12-31", highlight=False)
        raise typer.Exit(code=2) from None
    try:
        result = asyncio.run(_compare(models, day, given or None))
    except UserInputError as error:
        err.print(f"compare refused: {error}", highlight=False, markup=False)
        raise typer.Exit(code=1) from None
    render(result, out)
