"""Every answer of the corpus is what the service answered before the read path was rebuilt.

Record again (only for a deliberate, documented change) with
`GOLDEN_RECORD=1 pytest tests/graphql/test_golden.py`.
"""

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.graphql.golden_corpus import Request, corpus

GOLDEN = Path(__file__).parent / "golden" / "seed_answers.json"


def _send(client: TestClient, request: Request, answers: dict[str, Any]) -> dict[str, Any]:
    variables = request.variables(answers) if callable(request.variables) else request.variables
    if request.method == "GET":
        params = {"query": request.query}
        if variables:
            params["variables"] = json.dumps(variables)
        response = client.get("/graphql", params=params, headers=request.headers)
    else:
        response = client.post(
            "/graphql",
            json={"query": request.query, "variables": variables},
            headers=request.headers,
        )
    return {"status": response.status_code, "body": response.json()}


def _canonical(answer: dict[str, Any]) -> str:
    # Answers given "today" name today's date; the recording stands for any day.
    text = json.dumps(answer, ensure_ascii=False)
    return text.replace(f'"{date.today().isoformat()}"', '"TODAY"')


def test_every_answer_is_unchanged(app_client: TestClient) -> None:
    answers: dict[str, Any] = {}
    for request in corpus():
        answers[request.name] = _send(app_client, request, answers)
    if os.environ.get("GOLDEN_RECORD"):
        lines = [f"{json.dumps(name)}: {_canonical(answer)}" for name, answer in answers.items()]
        GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    recorded = json.loads(GOLDEN.read_text())
    assert list(answers) == list(recorded)
    changed = [
        name
        for name in answers
        if _canonical(answers[name]) != json.dumps(recorded[name], ensure_ascii=False)
    ]
    assert not changed, f"{len(changed)} answer(s) differ, first: {changed[:5]}"
