"""Settings, read once from the environment (prefix-free names, as twelve-factor apps expect)."""

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL. Unset: an embedded server keeps its data in data_dir.",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("model-catalog")),
        description="Where the embedded PostgreSQL keeps its data when DATABASE_URL is unset.",
    )
    seed_dir: Path = PROJECT_ROOT / "seed"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    min_shared_demo_tasks: int = Field(
        default=1,
        ge=1,
        description="How many demo tasks two models must share for a live side-by-side demo.",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str | None) -> str | None:
        return to_sqlalchemy_url(value) if value else None


def to_sqlalchemy_url(url: str) -> str:
    """Make any postgres URL use the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("postgresql+"):
        raise ValueError(f"unsupported driver in {url.split('://')[0]!r}; use postgresql://")
    raise ValueError("DATABASE_URL must start with postgresql://")


@lru_cache
def get_settings() -> Settings:
    return Settings()
