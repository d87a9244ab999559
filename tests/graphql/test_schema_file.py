from service.config import PROJECT_ROOT
from service.graphql.schema import schema


def test_committed_sdl_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text()
    assert committed.strip() == schema.as_str().strip(), (
        "schema.graphql is out of date: run `modelcat schema > schema.graphql`"
    )
