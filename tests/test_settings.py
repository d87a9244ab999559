"""Production refuses unsafe settings at start, with a message that says what to change."""

import pytest
from pydantic import ValidationError

from service.config import PROJECT_ROOT, Settings
from tests.conftest import run_cli

SAFE_PRODUCTION = {"environment": "production", "database_url": "postgresql://db/catalog"}
GOOD_TOKEN = "x" * 40


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_safe_production_settings_are_accepted() -> None:
    settings = _settings(**SAFE_PRODUCTION, writes_enabled=True, admin_token=GOOD_TOKEN)
    assert settings.is_production
    assert (settings.graphiql_on, settings.introspection_on, settings.mask_errors) == (
        False,
        False,
        True,
    )
    assert settings.effective_log_format == "json"


def test_development_allows_graphiql_and_introspection() -> None:
    settings = _settings(graphiql=True, introspection=True)
    assert settings.graphiql and settings.introspection
    assert settings.effective_log_format == "text"


def test_development_defaults_open_graphiql_introspection_and_writes() -> None:
    settings = _settings()
    assert (settings.graphiql_on, settings.introspection_on, settings.writes_on) == (
        True,
        True,
        True,
    )


def test_production_defaults_close_them() -> None:
    settings = _settings(**SAFE_PRODUCTION)
    assert (settings.graphiql_on, settings.introspection_on, settings.writes_on) == (
        False,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("unsafe", "message"),
    [
        ({"graphiql": True}, "GRAPHIQL=true serves an interactive IDE; set GRAPHIQL=false"),
        ({"introspection": True}, "INTROSPECTION=true publishes the whole schema"),
        ({"mask_errors": False}, "MASK_ERRORS=false shows internal errors to clients"),
        ({"writes_enabled": True}, "WRITES_ENABLED=true without ADMIN_TOKEN"),
        ({"writes_enabled": True, "admin_token": "short"}, "ADMIN_TOKEN is shorter than 32"),
        ({"database_url": None}, "DATABASE_URL is unset"),
    ],
)
def test_production_refuses(unsafe: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match="ENVIRONMENT=production refuses") as refusal:
        _settings(**{**SAFE_PRODUCTION, **unsafe})
    assert message in str(refusal.value)


def test_the_entrypoint_refuses_an_unsafe_configuration_before_touching_the_database() -> None:
    result = run_cli(
        "start",
        database_url="postgresql://nobody@127.0.0.1:1/none",
        ENVIRONMENT="production",
        GRAPHIQL="true",
        WRITES_ENABLED="true",
    )
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "ENVIRONMENT=production refuses unsafe settings" in result.stderr
    assert "GRAPHIQL=true serves an interactive IDE; set GRAPHIQL=false" in result.stderr
    assert "WRITES_ENABLED=true without ADMIN_TOKEN; set a random ADMIN_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_environment_is_refused() -> None:
    result = run_cli("db", "url", database_url=None, ENVIRONMENT="staging")
    assert result.returncode == 2
    assert "ENVIRONMENT: Input should be 'development' or 'production'" in result.stderr


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Operating it")]
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table]
    assert missing == []
