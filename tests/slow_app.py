"""The service's app plus one slow route, to stop the server while a request is in flight."""

import asyncio

from service.app import create_app

app = create_app()


@app.get("/test-only/slow")
async def slow() -> dict[str, str]:
    await asyncio.sleep(3)
    return {"finished": "yes"}
