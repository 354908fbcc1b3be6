"""The staff key: `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time.

Every /v1/admin route depends on `require_admin_key` through its router, so no admin route can
be added without it. With no key configured the admin router is not mounted at all (see
main.py): its paths answer 404 like any unknown path.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from usersnack.errors import NotFoundError, UnauthorizedError

logger = logging.getLogger("usersnack.admin.auth")

admin_key_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="AdminKey",
    description="The staff key from ADMIN_API_KEY: `Authorization: Bearer <key>`.",
)


class AdminKeyMissing(UnauthorizedError):
    message = "This is a staff route: send Authorization: Bearer <admin key>."

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": 'Bearer realm="usersnack-admin"'})


class AdminKeyWrong(UnauthorizedError):
    message = "The admin key is not valid."

    def __init__(self) -> None:
        super().__init__(
            headers={"WWW-Authenticate": 'Bearer realm="usersnack-admin", error="invalid_token"'}
        )


async def require_admin_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_key_scheme)],
) -> None:
    key = request.app.state.settings.admin_api_key
    if key is None:  # the router is not mounted then; this only guards a mistake
        raise NotFoundError("Not Found")
    if credentials is None:
        raise AdminKeyMissing()
    # Bytes, so any header value compares (compare_digest refuses non-ASCII str).
    given = credentials.credentials.encode("utf-8")
    if not secrets.compare_digest(given, key.get_secret_value().encode("utf-8")):
        client = request.client.host if request.client else "unknown"
        logger.warning("wrong admin key from %s for %s", client, request.url.path)
        raise AdminKeyWrong()
