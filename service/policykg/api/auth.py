"""Who may write: a bearer token equal to ``POLICYKG_UPDATE_TOKEN``; without that variable, nobody."""

from __future__ import annotations

import hmac

from fastapi import Request

from .errors import HttpError


def require_writer(request: Request, token: str | None) -> None:
    if not token:
        raise HttpError(403, "Forbidden: writes are disabled on this server (POLICYKG_UPDATE_TOKEN is not set)")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    given = value.strip().encode("utf-8") if scheme.lower() == "bearer" else b""
    if not hmac.compare_digest(given, token.encode("utf-8")):
        raise HttpError(
            401,
            "Unauthorized: writes need the header 'Authorization: Bearer <token>' with the server's update token",
            {"WWW-Authenticate": 'Bearer realm="policykg"'},
        )
