"""A seed run lists every file's problems at once, and writes nothing."""

from pathlib import Path

from tests.conftest import run_cli


def _seed(seed_dir: Path, url: str) -> tuple[int, str]:
    result = run_cli("seed", "--seed-dir", str(seed_dir), database_url=url)
    return result.returncode, result.stdout + result.stderr


def test_every_broken_file_is_listed_and_nothing_is_written(
    seed_copy: Path, seeded_db_url: str
) -> None:
    models = seed_copy / "models"
    (models / "gpt-5.1.yaml").write_text("")  # empty
    (models / "pali-3.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (models / "gemma-2b.yaml").write_bytes("slug: gemma-2b\nname: caf\xe9\n".encode("latin-1"))
    paligemma = (models / "paligemma.yaml").read_text()
    (models / "paligemma.yaml").write_text(
        paligemma.replace("name:", 'name: "Pali\\0Gemma"\nx_name:', 1)
    )
    (models / "gpt-5.2.yaml").write_text("slug: [unclosed\n")
    siglip = next(models.glob("siglip*.yaml"))
    siglip.write_text(siglip.read_text() + "\nparameters: {value: 99999999999999999999999}\n")

    code, output = _seed(seed_copy, seeded_db_url)

    assert code != 0
    assert "Traceback" not in output
    assert "seed refused" in output and "nothing was written" in output
    assert "gpt-5.1.yaml: the file is empty" in output
    assert "pali-3.yaml: holds NUL bytes" in output
    assert "gemma-2b.yaml: is not UTF-8" in output
    assert "paligemma.yaml: name: holds a NUL character" in output
    assert "gpt-5.2.yaml: not valid YAML" in output
    assert f"{siglip.name}: parameters.value: 99999999999999999999999 is beyond" in output
    # The seeded catalog is untouched: a dry run of the real seed finds nothing to change.
    code, output = _seed(Path(__file__).parents[2] / "seed", seeded_db_url)
    assert code == 0, output
