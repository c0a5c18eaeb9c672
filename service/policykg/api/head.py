"""``HEAD`` for every ``GET`` resource: FastAPI's routes answer only the methods they list, so a link checker's or a
linked-data client's ``HEAD /id/…`` got 405. :class:`HeadAsGet` runs a ``HEAD`` request as the ``GET`` it stands for
and sends the response's status and headers (``Content-Length`` included) without its body (RFC 9110, 9.3.2)."""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]


class HeadAsGet:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body's end, below, ends the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
