"""The database itself refuses bad rows, whatever wrote them."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError


@pytest.fixture
def db(connection: Connection) -> Iterator[Connection]:
    yield connection


def _id(db: Connection, table: str, slug: str) -> int:
    return db.execute(text(f"SELECT id FROM {table} WHERE slug = :s"), {"s": slug}).scalar_one()


def refused(db: Connection, sql: str, params: dict | None = None) -> str:
    """Run sql in a savepoint; return the name of the constraint that refused it."""
    savepoint = db.begin_nested()
    with pytest.raises((IntegrityError, DBAPIError)) as caught:
        db.execute(text(sql), params or {})
    savepoint.rollback()
    diag = getattr(caught.value.orig, "diag", None)
    return (getattr(diag, "constraint_name", None) or "") + " " + str(caught.value.orig)


def test_negative_prices_are_refused(db: Connection) -> None:
    gpt = _id(db, "models", "gpt-5.2")
    for column in ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok"):
        reason = refused(
            db,
            f"INSERT INTO prices (model_id, currency, {column}, effective_from)"
            " VALUES (:m, 'USD', -1, '2030-01-01')",
            {"m": gpt},
        )
        assert "nonneg" in reason


def test_overlapping_prices_are_refused(db: Connection) -> None:
    gpt = _id(db, "models", "gpt-5.2")
    # The seeded price runs from an unknown start with no end: anything later overlaps it.
    reason = refused(
        db,
        "INSERT INTO prices (model_id, currency, input_per_mtok, effective_from)"
        " VALUES (:m, 'USD', 2, '2030-01-01')",
        {"m": gpt},
    )
    assert "ex_prices_no_overlap" in reason


def test_adjacent_prices_are_allowed_and_variants_are_separate(db: Connection) -> None:
    gpt = _id(db, "models", "gpt-5.2")
    db.execute(
        text("UPDATE prices SET effective_to = '2026-01-01' WHERE model_id = :m"), {"m": gpt}
    )
    db.execute(
        text(
            "INSERT INTO prices (model_id, currency, input_per_mtok, effective_from)"
            " VALUES (:m, 'USD', 2, '2026-01-01')"
        ),
        {"m": gpt},
    )
    pro = _id(db, "model_variants", "gpt-5.2-pro")
    db.execute(
        text(
            "INSERT INTO prices (model_id, variant_id, currency, input_per_mtok)"
            " VALUES (:m, :v, 'USD', 20)"
        ),
        {"m": gpt, "v": pro},
    )
    assert (
        db.execute(text("SELECT count(*) FROM prices WHERE model_id = :m"), {"m": gpt}).scalar_one()
        == 3
    )


def test_price_of_another_models_variant_is_refused(db: Connection) -> None:
    gpt = _id(db, "models", "gpt-5.2")
    pali_variant = _id(db, "model_variants", "paligemma-224")
    reason = refused(
        db,
        "INSERT INTO prices (model_id, variant_id, currency, input_per_mtok)"
        " VALUES (:m, :v, 'USD', 1)",
        {"m": gpt, "v": pali_variant},
    )
    assert "fk_prices_variant_of_model" in reason


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        (
            "INSERT INTO prices (model_id, currency, input_per_mtok, effective_from, effective_to)"
            " SELECT id, 'USD', 1, '2031-02-01', '2031-01-01' FROM models WHERE slug = 'paligemma'",
            "effective_range_valid",
        ),
        (
            "INSERT INTO prices (model_id, currency) SELECT id, 'USD' FROM models"
            " WHERE slug = 'paligemma'",
            "some_price",
        ),
        (
            "INSERT INTO prices (model_id, currency, input_per_mtok) SELECT id, 'usd', 1"
            " FROM models WHERE slug = 'paligemma'",
            "currency_iso",
        ),
        ("UPDATE models SET context_window = -1 WHERE slug = 'gpt-5.2'", "context_window_nonneg"),
        (
            "UPDATE models SET context_window = NULL WHERE slug = 'gpt-5.2'",
            "context_window_matches_state",
        ),
        ("UPDATE models SET parameter_count = 7 WHERE slug = 'gpt-5.2'", "parameters_match_state"),
        (
            "UPDATE models SET release_date_precision = NULL WHERE slug = 'gpt-5.2'",
            "release_date_has_precision",
        ),
        ("UPDATE models SET category = 'ajar' WHERE slug = 'gpt-5.2'", "category_valid"),
        (
            "UPDATE models SET input_modalities = '{text,smell}' WHERE slug = 'gpt-5.2'",
            "input_modalities_valid",
        ),
        ("UPDATE models SET slug = 'GPT-5.2' WHERE slug = 'gpt-5.2'", "slug_format"),
        (
            "INSERT INTO models (slug, name, context_window_state, parameters_state, status)"
            " VALUES ('paligemma', 'Again', 'unknown', 'unknown', 'active')",
            "uq_models_slug",
        ),
        (
            "INSERT INTO model_aliases (model_id, alias) SELECT id, 'PaliGemma-3B' FROM models"
            " WHERE slug = 'gpt-5.2'",
            "uq_model_aliases_lower_alias",
        ),
        (
            "INSERT INTO model_aliases (model_id, alias) SELECT id, 'GPT-5.2' FROM models"
            " WHERE slug = 'paligemma'",
            "model_names_unique",
        ),
        ("UPDATE models SET slug = 'paligemma-3b' WHERE slug = 'gpt-5.1'", "model_names_unique"),
        (
            "INSERT INTO model_lineage (model_id, related_model_id, relation)"
            " SELECT id, id, 'succeeds' FROM models WHERE slug = 'gpt-5.2'",
            "not_self",
        ),
        (
            "INSERT INTO capabilities (model_id, task_id, support, has_demo)"
            " SELECT m.id, t.id, 'out_of_the_box', true FROM models m, tasks t"
            " WHERE m.slug = 'gpt-5.2' AND t.slug = 'ocr'",
            "uq_capabilities_model_id",
        ),
        (
            "INSERT INTO capabilities (model_id, task_id, support, has_demo) VALUES (-1, -1, "
            "'unknown', false)",
            "fk_capabilities",
        ),
        ("UPDATE licenses SET kind = 'shareware' WHERE slug = 'gemma'", "kind_valid"),
        (
            "UPDATE model_variants SET input_resolution_px = 0 WHERE slug = 'paligemma-224'",
            "resolution_positive",
        ),
    ],
)
def test_bad_rows_are_refused(db: Connection, sql: str, constraint: str) -> None:
    assert constraint in refused(db, sql)
