"""A missing browser fails the run in CI and only skips locally."""

import pytest

from tests.web.conftest import _unavailable


def test_missing_chromium_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, so the browser tests cannot be"):
        _unavailable("Chromium is not installed at /usr/bin/chromium")


def test_missing_chromium_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        _unavailable("Chromium is not installed at /usr/bin/chromium")
