"""Bring the store's dataset version up to date before each request is answered.

The version is what ETags and the result caches key on. A remote store shared by several instances changes under
this one; :meth:`~..store.Store.fresh` reads its version marker again when the last read is older than the poll
interval. Doing it here, in front of everything (the cache fast path included), means no answer is served for an
older version than the interval allows, and nothing runs while no request comes in.
"""

from __future__ import annotations

from typing import Any

from ..store import Store


class FreshVersion:
    """A raw ASGI wrapper: ``await store.fresh()``, then the app."""

    def __init__(self, app: Any, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.store.fresh()
        await self.app(scope, receive, send)
