"""One error base class, one handler, one error body: `{"code", "message", "details"}`.

Services raise `AppError` subclasses and know nothing of HTTP; the handler below turns those,
FastAPI's validation errors, Starlette's HTTP errors and anything unexpected into the same body.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("usersnack.errors")


class ErrorOut(BaseModel):
    code: str
    message: str
    details: Any | None = None


class AppError(Exception):
    status_code: int = 500
    code: str = "INTERNAL_ERROR"
    message: str = "Something went wrong on our side."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = details
        self.headers = headers
        super().__init__(self.message)


class NotFoundError(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Not found."


class UnauthorizedError(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    message = "Authentication required."


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "The request is not valid."

    @classmethod
    def on_field(cls, field: str, message: str) -> ValidationFailed:
        return cls(details=[{"field": field, "message": message}])


class ConflictError(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "The request conflicts with the current state."


class PayloadTooLargeError(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "The request body is too large."


class RequestTimeoutError(AppError):
    status_code = 408
    code = "REQUEST_TIMEOUT"
    message = "The request body did not arrive in time."


class TooManyRequestsError(AppError):
    status_code = 429
    code = "TOO_MANY_REQUESTS"
    message = "Too many requests from your address; please wait before trying again."


class ServiceUnavailableError(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    message = "The service is temporarily unavailable; please retry shortly."


# Codes for the HTTP errors Starlette raises itself (unknown route, wrong method, ...).
_CODES_BY_STATUS = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "TOO_MANY_REQUESTS",
    503: "SERVICE_UNAVAILABLE",
}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorOut(code=code, message=message, details=details).model_dump(mode="json")
    return JSONResponse(body, status_code=status_code, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        details.append(
            {
                "field": ".".join(location),
                "message": str(error.get("msg", "invalid value")),
                "type": str(error.get("type", "value_error")),
            }
        )
    return details


def database_unavailable_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean "cannot reach the database now", not "this query is wrong".

    main.py registers the handler for each of them by type, so they are answered (503) where
    the app's other errors are, and the connection stays open; left to the catch-all
    `Exception` handler, Starlette would re-raise them after answering and uvicorn would then
    close the client's keep-alive connection under it.
    """
    import asyncpg
    from tortoise.exceptions import DBConnectionError

    return (
        DBConnectionError,
        ConnectionError,
        TimeoutError,
        OSError,
        asyncpg.exceptions.CannotConnectNowError,
        asyncpg.exceptions.ConnectionDoesNotExistError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.TooManyConnectionsError,
        asyncpg.exceptions.AdminShutdownError,
        asyncpg.exceptions.QueryCanceledError,
    )


def is_database_unavailable(exc: BaseException) -> bool:
    """True when `exc`, or an error it came from, is one of database_unavailable_errors()."""
    unavailable = database_unavailable_errors()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, unavailable):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path.

    Starlette's 405 names only the methods of the first route whose path matched, but one path
    may be served by several routes (GET and PATCH of an admin item are two routes).
    """
    from starlette.routing import Match

    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    """The one handler every error goes through."""
    if isinstance(exc, AppError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)
    if isinstance(exc, RequestValidationError):
        return error_response(
            422, "VALIDATION_ERROR", "The request is not valid.", _validation_details(exc)
        )
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 400:
        # FastAPI's only 400 is a body it could not decode (bad UTF-8, nesting too deep):
        # to the client that is just an invalid body.
        return error_response(
            422,
            "VALIDATION_ERROR",
            "The request is not valid.",
            [{"field": "body", "message": "the body could not be parsed", "type": "body_parse"}],
        )
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        code = _CODES_BY_STATUS.get(
            status, HTTPStatus(status).name if status in HTTPStatus._value2member_map_ else "ERROR"
        )
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
        headers = getattr(exc, "headers", None)
        if status == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return error_response(status, code, message, headers=headers)
    if is_database_unavailable(exc):
        logger.warning(
            "database unavailable during %s %s: %r", request.method, request.url.path, exc
        )
        unavailable = ServiceUnavailableError(headers={"Retry-After": "2"})
        return error_response(
            unavailable.status_code,
            unavailable.code,
            unavailable.message,
            headers=unavailable.headers,
        )
    logger.exception("unhandled error during %s %s", request.method, request.url.path)
    return error_response(500, "INTERNAL_ERROR", AppError.message)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting the error body for the given statuses."""
    descriptions = {
        401: "Missing or wrong credentials (`WWW-Authenticate` says which scheme)",
        404: "Not found",
        409: "Conflict",
        413: "Request body too large",
        422: "Validation error: `details` names each offending field",
        429: "Rate limited: too many requests from this address; `Retry-After` says when to retry",
        503: "Database unavailable",
    }
    return {
        status: {
            "model": ErrorOut,
            "description": descriptions.get(status, HTTPStatus(status).phrase),
        }
        for status in statuses
    }
