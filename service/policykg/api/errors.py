"""HTTP answers for errors: each store error has its status; bodies are plain text the caller can read."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store import errors as e

STATUS: dict[type[e.StoreError], int] = {
    e.RemoteTimeout: 504,  # before QueryTimeout, its base class
    e.RemoteUnavailable: 502,
    e.QuerySyntaxError: 400,
    e.EvaluationError: 400,
    e.DatasetConflict: 400,
    e.PayloadError: 400,
    e.WorkerCrashed: 400,
    e.FederationRefused: 403,
    e.GraphNotFound: 404,
    e.NotAcceptable: 406,
    e.QueryTimeout: 503,
    e.Overloaded: 503,
}
PREFIX: dict[int, str] = {400: "Bad request", 403: "Forbidden", 404: "Not found", 406: "Not acceptable"}


class HttpError(Exception):
    """An error found by the API itself (size limits, media types, tokens, parameters)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


async def _store_error(_: Request, err: Exception) -> PlainTextResponse:
    status = next((s for cls, s in STATUS.items() if isinstance(err, cls)), 500)
    headers = {"Retry-After": "1"} if status in (502, 503, 504) else None
    kind = {
        e.QuerySyntaxError: "Syntax error",
        e.RemoteTimeout: "Gateway timeout",
        e.RemoteUnavailable: "Bad gateway",
        e.QueryTimeout: "Query timeout",
        e.Overloaded: "Overloaded",
        e.FederationRefused: "Federation refused",
        e.PayloadError: "Malformed payload",
        e.DatasetConflict: "Dataset conflict",
        e.WorkerCrashed: "Request failed",
    }.get(type(err), PREFIX.get(status, "Error"))
    return text_response(status, f"{kind}: {err}", headers)


async def _http_error(_: Request, err: Exception) -> PlainTextResponse:
    assert isinstance(err, HttpError)
    return text_response(err.status, err.message, err.headers)


async def _starlette_error(_: Request, err: Exception) -> PlainTextResponse:
    assert isinstance(err, StarletteHTTPException)
    return text_response(err.status_code, str(err.detail), dict(err.headers or {}))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.StoreError, _store_error)
    app.add_exception_handler(HttpError, _http_error)
    app.add_exception_handler(StarletteHTTPException, _starlette_error)
