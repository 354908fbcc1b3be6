"""The reference server for the benchmark: plain Starlette returning fixed bytes from memory.

It answers the same paths with the same status, headers that matter, and body bytes the real
app produced, with no database and no validation: what this machine can do at best for these
responses under the same uvicorn flags.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _route(item: dict) -> Route:
    # Built once: the reference does no per-request work beyond Starlette's own.
    response = Response(
        base64.b64decode(item["body"]),
        status_code=item["status"],
        headers=item["headers"],
        media_type="application/json",
    )

    async def answer(request: Request) -> Response:
        if request.method == "POST":
            await request.body()  # a POST's body is read, as the real app must
        return response

    return Route(item["path"], answer, methods=[item["method"]])


app = Starlette(
    routes=[
        _route(item)
        for item in json.loads(Path(os.environ["USERSNACK_BENCH_RESPONSES"]).read_text())
    ]
)
