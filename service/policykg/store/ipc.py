"""Length-prefixed pickle messages over a UNIX socket pair (parent ⇄ worker).

Both ends are our own processes, so pickle is safe here; it is never used on anything a client sent.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
from typing import Any

_HEADER = struct.Struct("!Q")
_SMALL = 1 << 16


def _frame(obj: Any) -> tuple[bytes, bytes]:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)), data


def send(sock: socket.socket, obj: Any) -> None:
    header, data = _frame(obj)
    if len(data) < _SMALL:
        sock.sendall(header + data)
    else:
        sock.sendall(header)
        sock.sendall(data)


def _recv_exact(sock: socket.socket, size: int) -> bytearray:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("peer closed the connection")
        got += n
    return buf


def recv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, size))


async def asend(sock: socket.socket, obj: Any) -> None:
    loop = asyncio.get_running_loop()
    header, data = _frame(obj)
    if len(data) < _SMALL:
        await loop.sock_sendall(sock, header + data)
    else:
        await loop.sock_sendall(sock, header)
        await loop.sock_sendall(sock, data)


async def _arecv_exact(sock: socket.socket, size: int) -> bytearray:
    loop = asyncio.get_running_loop()
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise EOFError("worker closed the connection")
        got += n
    return buf


async def arecv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(await _arecv_exact(sock, _HEADER.size))
    return pickle.loads(await _arecv_exact(sock, size))
