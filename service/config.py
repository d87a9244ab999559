"""Settings, read once from the environment (prefix-free names, as twelve-factor apps expect)."""

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_ADMIN_TOKEN_LENGTH = 32
_ORIGIN = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:\d{1,5})?/?")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class PersistedQueryMode(StrEnum):
    OFF = "off"
    AUTOMATIC = "automatic"
    REGISTERED = "registered"


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="`production` refuses unsafe settings at start.",
    )
    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL. Unset: an embedded server keeps its data in data_dir.",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("model-catalog")),
        description="Where the embedded PostgreSQL keeps its data when DATABASE_URL is unset.",
    )
    migrations_dir: Path = Field(
        default=PROJECT_ROOT / "migrations",
        description="The Alembic migrations folder (the image copies it to /app/migrations).",
    )
    seed_dir: Path = Field(
        default=PROJECT_ROOT / "seed",
        description="The curated seed files (the image copies them to /app/seed).",
    )
    seed_on_start: bool = Field(
        default=True, description="Seed the catalog at start when it holds no model."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64, description="Server worker processes.")
    graceful_timeout: int = Field(
        default=30,
        ge=1,
        description="Seconds a stopping worker has to finish the requests in flight.",
    )
    worker_timeout: int = Field(
        default=60, ge=1, description="Seconds of silence after which a worker is restarted."
    )
    keepalive: int = Field(default=5, ge=0, description="Seconds an idle connection stays open.")
    db_pool_size: int = Field(default=5, ge=1, description="Connections kept per worker.")
    db_max_overflow: int = Field(
        default=5, ge=0, description="Extra connections a worker may open under load."
    )
    db_pool_timeout: float = Field(
        default=10, gt=0, description="Seconds to wait for a free pooled connection."
    )
    db_connect_timeout: int = Field(
        default=5, ge=1, description="Seconds to wait for PostgreSQL to accept a connection."
    )
    statement_timeout_ms: int = Field(
        default=30_000,
        ge=0,
        description="PostgreSQL statement_timeout of the service's sessions (0: none).",
    )
    slow_query_ms: int = Field(
        default=500,
        ge=0,
        description="Queries slower than this are logged with their operation (0: off).",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: LogFormat | None = Field(
        default=None, description="`json` or `text`; unset: json in production, text otherwise."
    )
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token /metrics requires when set; in production /metrics is served "
        "only with one.",
    )
    graphiql: bool | None = Field(
        default=None,
        description="Serve the GraphiQL IDE at /graphql (unset: on in development, off in "
        "production).",
    )
    graphiql_assets_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir("model-catalog")) / "graphiql",
        description="Where GraphiQL's files (npm packages, `modelcat graphiql fetch`) are kept.",
    )
    npm_registry_url: str = Field(
        default="https://registry.npmjs.org",
        description="The npm registry GraphiQL's files are downloaded from (or a mirror of it).",
    )
    introspection: bool | None = Field(
        default=None,
        description="Answer GraphQL introspection queries (unset: on in development, off in "
        "production).",
    )
    mask_errors: bool = Field(
        default=True, description="Show unexpected errors to clients as a generic message."
    )
    writes_enabled: bool | None = Field(
        default=None,
        description="Accept admin GraphQL mutations (unset: on in development, off in production).",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="An admin bearer token from the environment, accepted beside the tokens "
        "`modelcat token create` stores.",
    )
    response_cache_size: int = Field(
        default=256,
        ge=0,
        description="Public query results kept per worker until the next write (0: off).",
    )
    max_request_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description="Request bodies larger than this are refused with 413.",
    )
    max_query_cost: int = Field(
        default=25_000,
        ge=1,
        description="GraphQL documents estimated to cost more are refused (QUERY_TOO_EXPENSIVE) "
        "before they run: each field costs 1, a list multiplies its fields by its page size.",
    )
    response_cache_mb: int = Field(
        default=64,
        ge=1,
        description="Megabytes of encoded answers the response cache of one worker may hold.",
    )
    gc_young_threshold: int = Field(
        default=20_000,
        ge=0,
        description="Allocations between two young-generation garbage collections in a worker "
        "(0: Python's default, 700); objects alive at startup are frozen out of collections.",
    )
    persisted_queries: PersistedQueryMode = Field(
        default=PersistedQueryMode.AUTOMATIC,
        description="Persisted queries: automatic (hashes learnt from clients), registered (only "
        "registered documents run) or off.",
    )
    persisted_query_store_kb: int = Field(
        default=4096,
        ge=16,
        description="Kilobytes of learnt persisted-query documents one worker keeps (LRU).",
    )
    persisted_query_files: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="More .graphql files or folders to register, comma-separated, beside the "
        "web pages' documents.",
    )
    min_shared_demo_tasks: int = Field(
        default=1,
        ge=1,
        description="How many demo tasks two models must share for a live side-by-side demo.",
    )
    database_replica_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Streaming replicas of DATABASE_URL that serve public reads, comma-separated "
        "(empty: every read goes to the primary).",
    )
    replica_max_lag_seconds: float = Field(
        default=5,
        gt=0,
        description="A replica that has not replayed a catalog version the primary reached this "
        "many seconds ago leaves the rotation until it catches up.",
    )
    replica_check_interval: float = Field(
        default=1,
        gt=0,
        description="Seconds between two health and lag checks of every database.",
    )
    replica_check_timeout: float = Field(
        default=2,
        gt=0,
        description="Seconds a database has to answer a health check before it counts as down.",
    )
    write_timeout_ms: int = Field(
        default=5_000,
        gt=0,
        description="The longest a mutation waits for the primary (its connection and its "
        "statements) before answering SERVICE_UNAVAILABLE: bounds a write to a primary that "
        "stopped answering without closing its connections (frozen, cut off).",
    )
    read_your_writes_wait_ms: int = Field(
        default=100,
        ge=0,
        description="How long a read that carries a catalog version may wait for a replica to "
        "replay it before the primary answers instead (0: the primary at once).",
    )

    @field_validator("persisted_query_files", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_replica_urls", mode="before")
    @classmethod
    def _split_replica_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return [url.strip() for url in value.split(",") if url.strip()]
        return value

    @field_validator("database_replica_urls")
    @classmethod
    def _normalise_replica_drivers(cls, urls: list[str]) -> list[str]:
        normalised = []
        for number, url in enumerate(urls, start=1):
            try:
                normalised.append(to_sqlalchemy_url(url))
            except ValueError:
                # The URL itself is not echoed: it may hold a password.
                raise ValueError(
                    f"entry {number} is not a postgresql://user:password@host:port/db URL"
                ) from None
        return normalised

    @model_validator(mode="after")
    def _replicas_need_a_primary(self) -> Self:
        if self.database_replica_urls and self.database_url is None:
            raise ValueError(
                "DATABASE_REPLICA_URLS needs DATABASE_URL: replicas stream from a primary "
                "you run, not from the embedded server"
            )
        return self

    models_dev_url: str = Field(
        default="https://github.com/anomalyco/models.dev/archive/HEAD.tar.gz",
        description="Where `modelcat import models-dev` without a path downloads the models.dev "
        "tree (the repository's archive, a .tar.gz).",
    )
    litellm_url: str = Field(
        default="https://raw.githubusercontent.com/BerriAI/litellm/main/"
        "model_prices_and_context_window.json",
        description="Where `modelcat import litellm` without a path downloads LiteLLM's table.",
    )
    epoch_url: str = Field(
        default="https://epoch.ai/data/all_ai_models.csv",
        description="Where `modelcat import epoch` without a path downloads Epoch AI's CSV.",
    )
    import_max_download_mb: float = Field(
        default=200,
        gt=0,
        description="Largest download (and unpacked archive) an import accepts, in MB.",
    )
    import_download_timeout: float = Field(
        default=60,
        gt=0,
        description="Seconds an import's download may wait for the server to connect or send.",
    )
    cors_origins: str = Field(
        default="",
        description="Origins (scheme://host[:port], comma-separated) whose browser pages may "
        "call the API; `*` allows any (refused in production while writes are on); empty: none.",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str | None) -> str | None:
        return to_sqlalchemy_url(value) if value else None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("cors_origins")
    @classmethod
    def _plain_origins(cls, value: str) -> str:
        origins = [o.strip() for o in value.split(",") if o.strip()]
        for origin in origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin; write scheme://host[:port] with no path, "
                    "e.g. https://app.example.com"
                )
        return ",".join(o.rstrip("/") for o in origins)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.environment is Environment.PRODUCTION and (problems := self.unsafe_settings()):
            raise ValueError(
                "ENVIRONMENT=production refuses unsafe settings:\n"
                + "\n".join(f"  - {problem}" for problem in problems)
            )
        return self

    def unsafe_settings(self) -> list[str]:
        """What production would refuse, each with the fix."""
        problems = []
        if self.database_url is None:
            problems.append("DATABASE_URL is unset; point it at your PostgreSQL")
        if self.graphiql is True:
            problems.append("GRAPHIQL=true serves an interactive IDE; set GRAPHIQL=false")
        if self.introspection is True:
            problems.append(
                "INTROSPECTION=true publishes the whole schema; set INTROSPECTION=false"
            )
        if not self.mask_errors:
            problems.append("MASK_ERRORS=false shows internal errors to clients; remove it")
        token = self.admin_token.get_secret_value() if self.admin_token else ""
        if self.writes_enabled is True and not token:
            problems.append("WRITES_ENABLED=true without ADMIN_TOKEN; set a random ADMIN_TOKEN")
        elif self.writes_enabled is True and len(token) < MIN_ADMIN_TOKEN_LENGTH:
            problems.append(
                f"ADMIN_TOKEN is shorter than {MIN_ADMIN_TOKEN_LENGTH} characters; "
                "use e.g. `openssl rand -hex 32`"
            )
        if "*" in self.cors_origin_list and self.writes_enabled is True:
            problems.append(
                "CORS_ORIGINS=* with writes enabled lets any web page send admin requests; "
                "list your front ends' origins"
            )
        return problems

    @property
    def cors_origin_list(self) -> list[str]:
        return [o for o in self.cors_origins.split(",") if o]

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    def _on(self, value: bool | None) -> bool:
        return (not self.is_production) if value is None else value

    @property
    def metrics_on(self) -> bool:
        """Production serves /metrics only behind METRICS_TOKEN; development serves it openly."""
        return self.metrics_enabled and (not self.is_production or self.metrics_token is not None)

    @property
    def graphiql_on(self) -> bool:
        return self._on(self.graphiql)

    @property
    def introspection_on(self) -> bool:
        return self._on(self.introspection)

    @property
    def writes_on(self) -> bool:
        return self._on(self.writes_enabled)

    @property
    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.JSON if self.is_production else LogFormat.TEXT


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
