"""modelcat: the command-line door into the catalog."""

import getpass
import logging
import logging.config
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from service import embedded
from service.catalog import tokens
from service.catalog.admin import count_models, seed_catalog
from service.catalog.changes import ChangeLog
from service.catalog.errors import CatalogError, UserInputError
from service.compare_cli import compare_command
from service.config import Settings, get_settings
from service.db import database_url, describe_database, make_engine, unit_of_work
from service.graphql import ide_assets
from service.importers.cli import app as import_app
from service.logging import logging_config
from service.migrate import MigrationsNotFound, migration_lock, upgrade

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

app = typer.Typer(
    help="model-catalog: a catalog of AI models, compared side by side.", no_args_is_help=True
)
db_app = typer.Typer(help="The database in use.", no_args_is_help=True)
app.add_typer(db_app, name="db")
token_app = typer.Typer(help="Admin tokens for GraphQL writes.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(import_app, name="import")
graphiql_app = typer.Typer(
    help="GraphiQL's files, served at /graphql without a CDN.", no_args_is_help=True
)
app.add_typer(graphiql_app, name="graphiql")
app.command("compare")(compare_command)
out = Console()
err = Console(stderr=True)

SeedDir = Annotated[Path | None, typer.Option(help="Seed directory (default: the project's seed/)")]


@app.callback()
def _setup(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        get_settings()
    except ValidationError as exc:
        err.print("[bold red]configuration error[/]:", highlight=False)
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            message = str(error["msg"]).removeprefix("Value error, ")
            line = f"  {name}: {message}" if name else f"  {message}"
            err.print(line, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(code=2) from None


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest migration (one replica at a time)."""
    _or_exit(lambda: upgrade(database_url()))
    out.print("database schema is up to date")


@app.command()
def seed(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; write nothing")
    ] = False,
    seed_dir: SeedDir = None,
) -> None:
    """Validate every seed file, then upsert all of it in one transaction."""
    url = database_url()
    _or_exit(lambda: upgrade(url))
    engine = make_engine(url)
    try:
        log = _seed_or_exit(engine, seed_dir or get_settings().seed_dir, dry_run)
    finally:
        engine.dispose()
    _report(log, dry_run)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Migrate, seed an empty catalog, then serve the API in one process (for development)."""
    import uvicorn

    from service.app import create_app

    settings = get_settings()
    url = database_url()
    out.print(describe_database(settings), highlight=False, soft_wrap=True)
    engine = make_engine(url)
    _prepare_database(url, engine, settings)
    logging.config.dictConfig(logging_config(settings))
    ide_assets.fetch_in_background(settings)
    host, port = host or settings.host, port or settings.port
    out.print(f"serving model-catalog on http://{host}:{port}/ (readiness: /readyz)")
    uvicorn.run(
        create_app(engine),
        host=host,
        port=port,
        log_config=logging_config(settings),
        access_log=False,
        timeout_graceful_shutdown=settings.graceful_timeout,
    )


@app.command()
def start() -> None:
    """Migrate, seed an empty catalog, then serve with gunicorn and WORKERS uvicorn workers.

    The container's entrypoint: safe when several replicas start at once.
    """
    settings = get_settings()
    url = database_url()
    engine = make_engine(url)
    try:
        _prepare_database(url, engine, settings)
    finally:
        engine.dispose()
    out.print(
        f"serving model-catalog on http://{settings.host}:{settings.port}/ "
        f"with {settings.workers} worker(s)"
    )
    if settings.graphiql_on and not ide_assets.installed(settings.graphiql_assets_dir):
        # A process of its own: it outlives the exec below, and gunicorn forks no thread.
        fetch = [sys.executable, "-m", "service.cli", "graphiql", "fetch", "--background"]
        subprocess.Popen(fetch)
    sys.stdout.flush()
    # exec: gunicorn replaces this process, so it receives the container's signals itself.
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf"]
    os.execv(sys.executable, [*gunicorn, "service.app:create_app()"])


@app.command("schema")
def graphql_schema() -> None:
    """Print the GraphQL schema (SDL); `modelcat schema > schema.graphql` refreshes the file."""
    from service.graphql.schema import schema as graphql

    print(graphql.as_str())


@app.command("persisted-queries")
def persisted_queries() -> None:
    """The registered GraphQL documents a client may send by SHA-256 hash alone.

    The web pages' documents and those of PERSISTED_QUERY_FILES; with
    PERSISTED_QUERIES=registered they are the only documents the API runs.
    """
    from service.graphql.persisted import WEB_QUERIES, read_documents

    settings = get_settings()
    try:
        documents = read_documents([WEB_QUERIES, *settings.persisted_query_files])
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[bold red]cannot read a registered document[/]: {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    out.print(f"mode: PERSISTED_QUERIES={settings.persisted_queries.value}", highlight=False)
    for document in documents:
        out.print(f"{document.sha256}  {document.path}", highlight=False, soft_wrap=True)


@app.command("codegen")
def client_codegen(
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Change nothing; fail if the committed client is out of date."
        ),
    ] = False,
    root: Annotated[
        Path | None, typer.Option(help="The source checkout (default: this one).", hidden=True)
    ] = None,
) -> None:
    """Regenerate the web pages' typed GraphQL client (service/web/api_client/).

    ariadne-codegen builds it from schema.graphql and service/web/queries/*.graphql, as
    configured in pyproject.toml; it runs in a cached environment of its own, installed from
    PyPI on first use.
    """
    from service.client_codegen import CodegenError, differences, load_config, regenerate

    try:
        config = load_config(root) if root else load_config()
        if check:
            diff = differences(config)
        else:
            changed = regenerate(config)
    except CodegenError as exc:
        err.print(
            f"modelcat codegen: {exc}", style="red", highlight=False, markup=False, soft_wrap=True
        )
        raise typer.Exit(2) from exc
    if not check:
        where = config.package.as_posix()
        print(f"{where}: " + (", ".join(changed) + " regenerated" if changed else "up to date"))
        return
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{config.package.as_posix()} is out of date with schema.graphql and "
            f"{config.section['queries_path']}: run `modelcat codegen` and commit the result.",
            file=sys.stderr,
        )
        raise typer.Exit(1)
    print(f"{config.package.as_posix()} is up to date.")


@graphiql_app.command("fetch")
def graphiql_fetch(
    background: Annotated[
        bool, typer.Option(hidden=True, help="Log the outcome, as `serve` and `start` do")
    ] = False,
) -> None:
    """Download GraphiQL's files into GRAPHIQL_ASSETS_DIR, from where /graphql serves them.

    They are pinned npm packages, downloaded from NPM_REGISTRY_URL and checked against the
    integrity the registry published."""
    settings = get_settings()
    root = settings.graphiql_assets_dir
    if background:
        logging.config.dictConfig(logging_config(settings))
        ide_assets.fetch_logged(settings)
        return
    try:
        done = ide_assets.fetch(root, settings.npm_registry_url)
    except ide_assets.AssetError as exc:
        err.print(f"[bold red]cannot fetch GraphiQL's files[/]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    fetched = f"fetched {', '.join(done)}" if done else "all there already"
    out.print(f"GraphiQL's files are in {root} ({fetched})", highlight=False, soft_wrap=True)


def cli_actor() -> str:
    """Who the audit trail names for a command-line write."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@token_app.command("create")
def token_create(name: Annotated[str, typer.Option(help="Who or what will use the token")]) -> None:
    """Create an admin token and print it once; only its hash is stored."""
    with _write_session() as session:
        token = tokens.create(session, name=name, actor=cli_actor())
    out.print(token, highlight=False, soft_wrap=True)
    err.print(f"token {name!r} created: keep it now, it cannot be shown again", highlight=False)


@token_app.command("list")
def token_list() -> None:
    """List admin tokens (names and dates, never secrets)."""
    with _write_session() as session:
        rows = tokens.listing(session)
    table = Table("name", "created", "last used", "revoked")
    for t in rows:
        table.add_row(t.name, _when(t.created_at), _when(t.last_used_at), _when(t.revoked_at))
    out.print(table)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name")]) -> None:
    """Revoke an admin token: writes with it are refused from now on."""
    with _write_session() as session:
        tokens.revoke(session, name=name, actor=cli_actor())
    out.print(f"token {name!r} revoked")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


@contextmanager
def _write_session() -> Iterator["Session"]:
    url = database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            yield session
    except UserInputError as exc:
        err.print(f"[bold red]refused[/]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()


@db_app.command("url")
def db_url() -> None:
    """Print the URL of the database in use (the embedded server's when DATABASE_URL is unset)."""
    out.print(database_url(), highlight=False, soft_wrap=True)


@db_app.command("status")
def db_status() -> None:
    """Say which database is in use; for the embedded server, whether it runs and who uses it."""
    settings = get_settings()
    if settings.database_url:
        out.print(describe_database(settings), highlight=False, soft_wrap=True)
        return
    state = embedded.status(settings.data_dir)
    out.print("database: the embedded PostgreSQL (DATABASE_URL is unset)", highlight=False)
    out.print(f"  data: {state.pgdata}", highlight=False, soft_wrap=True)
    if not state.initialised:
        out.print("  state: not created yet (the first command that needs it creates it)")
        return
    if not state.running:
        out.print("  state: stopped (the next command that needs it starts it)")
        return
    out.print(f"  state: running (pid {state.pid})", highlight=False)
    out.print(f"  url: {state.url}", highlight=False, soft_wrap=True)
    if state.kept:
        out.print("  kept running by `modelcat db start`; `modelcat db stop` stops it")
    users = ", ".join(str(pid) for pid in state.users) or "none"
    out.print(f"  commands using it (pids): {users}", highlight=False)


@db_app.command("start")
def db_start() -> None:
    """Start the embedded PostgreSQL and keep it running across commands (until `db stop`)."""
    settings = _embedded_only("start")
    server = embedded.start(settings.data_dir, keep=True)
    out.print(
        f"the embedded PostgreSQL is running and kept; its data lives in {server.pgdata}; "
        "`modelcat db stop` stops it",
        highlight=False,
        soft_wrap=True,
    )


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL now (commands still using it lose their connections)."""
    settings = _embedded_only("stop")
    pgdata = settings.data_dir / embedded.PGDATA
    if embedded.stop(settings.data_dir):
        out.print(f"stopped the embedded PostgreSQL; its data stays in {pgdata}", highlight=False)
    else:
        out.print(f"no embedded PostgreSQL is running in {pgdata}", highlight=False)


def _embedded_only(verb: str) -> Settings:
    settings = get_settings()
    if settings.database_url:
        err.print(
            f"[bold red]refused[/]: DATABASE_URL is set, so no embedded server is in use; "
            f"`modelcat db {verb}` only manages the embedded PostgreSQL",
            highlight=False,
        )
        raise typer.Exit(code=1)
    return settings


def _prepare_database(url: str, engine: "Engine", settings: Settings) -> None:
    """Upgrade, then seed an empty catalog, all under the migration lock."""

    def prepare() -> None:
        with migration_lock(url):
            upgrade(url, lock=False)
            if settings.seed_on_start and count_models(engine) == 0:
                log = _seed_or_exit(engine, settings.seed_dir, dry_run=False)
                out.print(f"seeded the empty catalog: {log.counts()['create']} records created")

    _or_exit(prepare)


def _or_exit(step: Callable[[], None]) -> None:
    try:
        step()
    except MigrationsNotFound as exc:
        err.print(f"[bold red]cannot migrate[/]: {exc}", highlight=False)
        raise typer.Exit(code=2) from None


def _seed_or_exit(engine: "Engine", seed_dir: Path, dry_run: bool) -> ChangeLog:
    try:
        return seed_catalog(engine, seed_dir, dry_run=dry_run, actor=cli_actor())
    except CatalogError as exc:
        err.print(
            f"[bold red]seed refused[/]: {len(exc.problems)} problem(s), nothing was written",
            highlight=False,
        )
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(code=1) from None


def _report(log: ChangeLog, dry_run: bool) -> None:
    verb = "would" if dry_run else "did"
    for change in log.changes:
        out.print(f"  {change}", highlight=False, markup=False, soft_wrap=True)
    counts = log.counts()
    if not log:
        out.print("seed: the catalog already matches the seed files; nothing to change")
    else:
        out.print(
            f"seed {verb}: {counts['create']} create, {counts['update']} update, "
            f"{counts['delete']} delete" + (" (dry run: nothing written)" if dry_run else "")
        )


if __name__ == "__main__":
    app()
