"""Reading request bodies within size limits (413 past them), and Content-Type parsing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fastapi import Request

from .errors import HttpError


def content_type(request: Request) -> tuple[str, dict[str, str]]:
    """(media type in lower case, parameters) of the request's Content-Type ("" if absent)."""
    header = request.headers.get("content-type", "")
    media, *params = header.split(";")
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), parsed


def require_utf8(params: dict[str, str]) -> None:
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise HttpError(415, f"Unsupported charset {charset!r}: send the text as UTF-8")


def _declared_length(request: Request, limit: int, what: str) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"Payload too large: {what} may be at most {limit} bytes")


async def read_body(request: Request, limit: int, what: str = "the request") -> bytes:
    _declared_length(request, limit, what)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpError(413, f"Payload too large: {what} may be at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise HttpError(400, f"Bad request: {what} is not valid UTF-8 ({err})") from None


async def save_body(request: Request, limit: int) -> Path:
    """Stream the body into a temporary file (the caller deletes it)."""
    _declared_length(request, limit, "an upload")
    fd, name = tempfile.mkstemp(prefix="policykg-upload-")
    path = Path(name)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HttpError(413, f"Payload too large: an upload may be at most {limit} bytes")
                out.write(chunk)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path
