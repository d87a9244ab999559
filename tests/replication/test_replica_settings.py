"""DATABASE_REPLICA_URLS and its companions, read from the environment as an operator sets them."""

import pytest
from pydantic import ValidationError

from service.config import Settings
from tests.conftest import run_cli

PRIMARY = "postgresql://catalog@primary.internal/catalog"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_no_replica_is_the_default() -> None:
    settings = _settings(database_url=PRIMARY)
    assert settings.database_replica_urls == []
    assert settings.read_your_writes_wait_ms == 100


def test_replica_urls_are_comma_separated_and_use_psycopg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", PRIMARY)
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://r@replica-1/catalog , postgresql://r@replica-2:6432/c,"
    )
    assert _settings().database_replica_urls == [
        "postgresql+psycopg://r@replica-1/catalog",
        "postgresql+psycopg://r@replica-2:6432/c",
    ]


def test_a_replica_url_that_is_not_postgresql_is_refused_by_position() -> None:
    with pytest.raises(ValidationError, match="entry 2 is not a postgresql://"):
        _settings(database_url=PRIMARY, database_replica_urls="postgresql://a/b,mysql://c/d")


def test_replicas_without_a_primary_url_are_refused() -> None:
    with pytest.raises(ValidationError, match="DATABASE_REPLICA_URLS needs DATABASE_URL"):
        _settings(database_replica_urls="postgresql://r@replica-1/catalog")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REPLICA_MAX_LAG_SECONDS", "0"),
        ("REPLICA_CHECK_INTERVAL", "-1"),
        ("REPLICA_CHECK_TIMEOUT", "0"),
        ("READ_YOUR_WRITES_WAIT_MS", "-5"),
    ],
)
def test_out_of_range_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        _settings()


def test_the_cli_names_the_bad_replica_setting() -> None:
    result = run_cli(
        "db", "url", database_url=PRIMARY, DATABASE_REPLICA_URLS="http://not-a-database"
    )
    assert result.returncode == 2
    assert "DATABASE_REPLICA_URLS: entry 1 is not a postgresql://" in result.stderr
    assert "not-a-database" not in result.stderr
