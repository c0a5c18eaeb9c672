"""Messages over a UNIX socket pair (parent ⇄ worker): a pickled object and, optionally, raw bytes.

A frame is a header (the two lengths), the pickle, then the payload. A query's result bytes travel as the payload, so
they are neither copied into a pickle by the worker nor out of one by the parent. Both ends are our own processes,
so pickle is safe here; it is never used on anything a client sent.

The worker blocks on its end (:func:`send`, :func:`recv`). The parent reads its ends with :class:`Channel`, an
asyncio protocol: the event loop delivers a reply as it arrives, so a request costs one send and one wake-up, not
a reader registered and removed for every read.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
from typing import Any, cast

_HEADER = struct.Struct("!QQ")


def _frame(obj: Any, payload: bytes) -> list[bytes]:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return [_HEADER.pack(len(data), len(payload)), data, payload]


def send(sock: socket.socket, obj: Any, payload: bytes = b"") -> None:
    """Send ``obj`` and ``payload`` in one system call (more only if the socket's buffer is full)."""
    parts = _frame(obj, payload)
    sent = sock.sendmsg(parts)
    total = sum(len(p) for p in parts)
    if sent < total:
        sock.sendall(memoryview(b"".join(parts))[sent:])


def recv(sock: socket.socket) -> Any:
    """The next object (a payload sent with it is dropped: the worker is never sent one)."""
    data = sock.recv(1 << 16)  # a job is small: the whole of it, in one system call
    while not _complete(data):
        more = sock.recv(1 << 16)
        if not more:
            raise EOFError("peer closed the connection")
        data += more
    size, _ = _HEADER.unpack_from(data)
    return pickle.loads(memoryview(data)[_HEADER.size : _HEADER.size + size])


class Channel(asyncio.Protocol):
    """The parent's end of a worker's socket: :meth:`request` sends a job and waits for the reply, one at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[Any, bytes]] | None = None
        self._lost: BaseException | None = None

    @classmethod
    async def open(cls, sock: socket.socket) -> Channel:
        """A channel over ``sock`` (non-blocking), which it then owns: closing the channel closes the socket."""
        _, channel = await asyncio.get_running_loop().connect_accepted_socket(cls, sock)
        return channel

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio's classes

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        if buffer:  # the rest of a reply that began in an earlier read
            buffer += data
            if _complete(buffer):
                self._deliver(buffer)
                buffer.clear()
        elif _complete(data):  # the usual case: the whole reply in one read, used as it is
            self._deliver(data)
        else:
            buffer += data

    def _deliver(self, frame: bytes | bytearray) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        size, extra = _HEADER.unpack_from(frame)
        end = _HEADER.size + size
        with memoryview(frame) as view:
            try:
                obj = pickle.loads(view[_HEADER.size : end])
            except Exception as err:
                waiter.set_exception(EOFError(f"malformed message from the worker: {err}"))
                return
            payload = bytes(view[end : end + extra])
        waiter.set_result((obj, payload))

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = exc or EOFError("worker closed the connection")
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(EOFError(f"worker closed the connection ({self._lost})"))

    async def request(self, obj: Any, timeout: float) -> tuple[Any, bytes]:
        """Send ``obj``; the reply (an object and its payload). :class:`TimeoutError` if none came within ``timeout``
        seconds, :class:`EOFError` if the worker is gone."""
        if self._lost is not None or self._transport is None:
            raise EOFError(f"worker closed the connection ({self._lost})")
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(timeout, _expire, waiter)  # cheaper than asyncio.timeout(), on every request
        try:
            self._transport.writelines(_frame(obj, b""))
            return await waiter
        finally:
            timer.cancel()
            self._waiter = None

    def close(self) -> None:
        """Drop the connection at once (the worker is being killed)."""
        if self._transport is not None:
            self._transport.abort()


def _complete(data: bytes | bytearray) -> bool:
    if len(data) < _HEADER.size:
        return False
    size, extra = _HEADER.unpack_from(data)
    return len(data) >= _HEADER.size + size + extra


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())
