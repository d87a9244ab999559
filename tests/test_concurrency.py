"""Real concurrent connections: edits never cross silently, concurrent seeds agree."""

import os
import subprocess
import sys
import threading

from sqlalchemy import select

from service.catalog import tokens
from service.catalog.errors import ConflictError
from service.catalog.writes import Writer, find_model, update_model
from service.db import make_engine, unit_of_work
from service.migrate import upgrade
from service.models import Model
from tests.conftest import SEED_DIR, run_cli
from tests.snapshot import snapshot


def test_two_admins_editing_one_model_one_gets_a_conflict(seeded_db_url: str) -> None:
    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        seen = find_model(session, "paligemma").version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(who: str, family: str) -> None:
        start.wait()
        try:
            with unit_of_work(engine) as session:
                writer = Writer(session, actor=who, operation="test")
                update_model(writer, "paligemma", {"family": family}, expected_version=seen)
                writer.finish()
            outcomes[who] = "saved"
        except ConflictError as exc:
            outcomes[who] = f"conflict at version {exc.current_version}"

    threads = [
        threading.Thread(target=edit, args=(who, f"family by {who}")) for who in ("alice", "bob")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict at version 2", "saved"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "saved")
    with unit_of_work(engine) as session:
        model = session.scalars(select(Model).where(Model.slug == "paligemma")).one()
        assert (model.family, model.version) == (f"family by {winner}", seen + 1)
    engine.dispose()


def test_concurrent_seeds_end_with_exactly_the_seeded_data(
    empty_db_url: str, seeded_db_url: str
) -> None:
    upgrade(empty_db_url)  # concurrent *seeding* is the subject here, not migrating
    env_run = [sys.executable, "-m", "service.cli", "seed", "--seed-dir", str(SEED_DIR)]
    env = {**os.environ, "DATABASE_URL": empty_db_url}
    processes = [
        subprocess.Popen(
            env_run, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert sum("seed did: 77 create" in out for _, out, _ in results) == 1
    assert sum("nothing to change" in out for _, out, _ in results) == 2

    def catalog(url: str) -> dict:
        engine = make_engine(url)
        rows = snapshot(engine, without={"audit_log", "alembic_version"}, timeless=True)
        engine.dispose()
        return rows

    assert catalog(empty_db_url) == catalog(seeded_db_url)


def test_token_commands(seeded_db_url: str) -> None:
    created = run_cli("token", "create", "--name", "ci-bot", database_url=seeded_db_url)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("mc_") and len(token) > 40
    assert "cannot be shown again" in created.stderr
    again = run_cli("token", "create", "--name", "ci-bot", database_url=seeded_db_url)
    assert again.returncode == 1
    assert "a token named 'ci-bot' already exists" in again.stderr
    listed = run_cli("token", "list", database_url=seeded_db_url)
    assert "ci-bot" in listed.stdout and token.split("_", 2)[2] not in listed.stdout
    revoked = run_cli("token", "revoke", "ci-bot", database_url=seeded_db_url)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    unknown = run_cli("token", "revoke", "ci-bott", database_url=seeded_db_url)
    assert unknown.returncode == 1 and "did you mean 'ci-bot'?" in unknown.stderr
    engine = make_engine(seeded_db_url)
    with unit_of_work(engine) as session:
        assert tokens.verify(session, token) is None
    engine.dispose()
