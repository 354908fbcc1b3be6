"""Request-scoped helpers shared by the endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from usersnack.common.schemas import DEFAULT_LIMIT, MAX_LIMIT, Page
from usersnack.settings import Settings

# Far beyond any real menu, and well inside PostgreSQL's bigint OFFSET.
MAX_OFFSET = 1_000_000


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


async def get_page(
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="How many matches to skip.", examples=[0])
    ] = 0,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description="How many matches to return.", examples=[10]),
    ] = DEFAULT_LIMIT,
) -> Page:
    return Page(offset=offset, limit=limit)


PageQuery = Annotated[Page, Depends(get_page)]
