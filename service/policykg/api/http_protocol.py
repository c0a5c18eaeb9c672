"""uvicorn's HTTP protocol, with a response's head and body sent in one write.

uvicorn writes a response's status line and headers when the app starts the response, and the body when the app
sends it: two system calls, and two wake-ups of the client. On a small machine the first wake-up often runs the client
on the server's CPU before the server reaches the body: a cache miss spent 0.2 ms of its 1.5 ms overhead in writing
its head (``bench/overhead.py`` and a per-hop trace, docs/benchmarks.md). :class:`CoalescingHttpProtocol` holds the
first write of a turn of the event loop until the next write, which sends both at once, or until the end of the turn.
The bytes and their order are uvicorn's own.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class CoalescingTransport:
    """A transport whose writes pair up: one held back (until the next write or the end of this loop turn), the
    next sent together with it. Every other call goes to the wrapped transport, after what is held is sent."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is None:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)  # a head with no body yet, a lone chunk: sent at the end of this turn
        else:
            held, self._held = self._held, None
            self._transport.writelines((held, data))

    def writelines(self, lines: Any) -> None:
        self.flush()
        self._transport.writelines(lines)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + len(self._held or b"")

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a :class:`CoalescingTransport` (``uvicorn.run(..., http=...)``)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        coalescing = CoalescingTransport(cast(asyncio.Transport, transport), self.loop)
        super().connection_made(cast(asyncio.Transport, coalescing))
