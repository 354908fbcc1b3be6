"""Liveness with a database check, for load balancers and Caddy's active health checks."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from usersnack.db import DatabaseProbe

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str
    database: str


@router.get(
    "/health",
    summary="Health check",
    description="200 when the database answers within two seconds, else 503.",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database does not answer"}},
)
async def health() -> JSONResponse:
    if await DatabaseProbe().answers():
        return JSONResponse({"status": "healthy", "database": "ok"})
    return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
