"""A write naming an unknown model suggests each close model once, never by two of its names."""

import pytest
from sqlalchemy.orm import Session

from service.catalog.errors import NotFoundError
from service.catalog.writes import find_model


def test_an_unknown_model_is_suggested_once_not_also_by_its_alias(session: Session) -> None:
    with pytest.raises(NotFoundError) as raised:
        find_model(session, "paligemma-3")
    suggestions = raised.value.extensions["suggestions"]
    assert isinstance(suggestions, list)
    # 'paligemma-3b' is PaliGemma's alias: PaliGemma is suggested by one of its names only.
    assert len({"paligemma", "paligemma-3b"} & set(suggestions)) == 1, suggestions
    assert "paligemma-2" in suggestions
    assert str(raised.value).startswith("unknown model 'paligemma-3'; did you mean")
