"""`/docs` (Swagger UI) and `/redoc` served entirely by the app, so they work offline.

The JavaScript and CSS come from the `fastapi-standalone-docs` package, which ships Swagger UI
and ReDoc builds; we mount its static folder and point FastAPI's own page builders at it.
(We do not call its `StandaloneDocs`, which patches FastAPI's functions process-wide.)
"""

from __future__ import annotations

from pathlib import Path

import fastapi_standalone_docs
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_standalone_docs.__file__).resolve().parent / "static"


def add_docs(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the assets and add the two pages (the app must be built with docs_url=None)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def asset(request: Request, path: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{path}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} – Swagger UI",
            swagger_js_url=asset(request, "swagger/swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger/swagger-ui.css"),
            swagger_favicon_url=asset(request, "fastapi/favicon.png"),
            # Swagger UI would otherwise ask validator.swagger.io to check the schema.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} – ReDoc",
            redoc_js_url=asset(request, "redoc/redoc.standalone.js"),
            redoc_favicon_url=asset(request, "fastapi/favicon.png"),
            with_google_fonts=False,
        )
