"""Logging setup: JSON lines (or text) carrying the request id and GraphQL operation name."""

import json
import logging
import logging.config
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.config import LogFormat, Settings


@dataclass
class RequestContext:
    """What the logs and metrics of one request share; mutable so inner layers can add to it."""

    request_id: str
    operation: str | None = None
    graphql_error: bool | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)

# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class RequestContextFilter(logging.Filter):
    """Stamp each record with the current request id and operation (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get()
        record.request_id = context.request_id if context else None
        record.operation = context.operation if context else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def logging_config(settings: Settings) -> dict[str, Any]:
    """A dictConfig for the service, shared by the app and the gunicorn master."""
    formatter = JsonFormatter if settings.effective_log_format is LogFormat.JSON else TextFormatter
    quiet = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {"default": {"()": formatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
                "filters": ["request"],
            }
        },
        "root": {"level": settings.log_level, "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": quiet,
            # Alembic narrates every step at INFO; its warnings and errors still show.
            "alembic": {"level": "WARNING"},
            # httpx narrates every request at INFO (GraphiQL's files: one line per package).
            "httpx": {"level": "WARNING"},
            "uvicorn": quiet,
            "uvicorn.error": quiet,
            # The service writes its own access line (service.access), with the request id.
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "gunicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))
