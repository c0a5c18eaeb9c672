"""The coalescing transport under uvicorn's protocol: a response's head and body leave in one write, in order, and
nothing is held back past the end of an event-loop turn, a close or an abort."""

from __future__ import annotations

import asyncio
from typing import Any

from policykg.api.http_protocol import CoalescingTransport


class RecordingTransport:
    """What a real transport was asked to do, call by call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", data))

    def writelines(self, lines: Any) -> None:
        self.calls.append(("writelines", list(lines)))

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        self.closing = True
        self.calls.append(("close", None))

    def abort(self) -> None:
        self.closing = True
        self.calls.append(("abort", None))

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else default


def _run(steps: Any) -> RecordingTransport:
    async def main() -> RecordingTransport:
        real = RecordingTransport()
        transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        steps(transport)
        await asyncio.sleep(0)  # the end of the turn
        await asyncio.sleep(0)
        return real

    return asyncio.run(main())


def test_head_and_body_leave_in_one_call_in_order() -> None:
    real = _run(lambda t: (t.write(b"HTTP/1.1 200 OK\r\n\r\n"), t.write(b"body")))
    assert real.calls == [("writelines", [b"HTTP/1.1 200 OK\r\n\r\n", b"body"])]


def test_a_lone_write_leaves_at_the_end_of_the_turn() -> None:
    seen: list[int] = []

    def steps(t: CoalescingTransport) -> None:
        t.write(b"HTTP/1.1 304 Not Modified\r\n\r\n")
        seen.append(len(t._transport.calls))  # type: ignore[attr-defined]
        seen.append(t.get_write_buffer_size())

    real = _run(steps)
    assert seen == [0, len(b"HTTP/1.1 304 Not Modified\r\n\r\n")]  # held during the turn, and counted as buffered
    assert real.calls == [("write", b"HTTP/1.1 304 Not Modified\r\n\r\n")]


def test_chunks_keep_their_order() -> None:
    real = _run(lambda t: [t.write(part) for part in (b"a", b"b", b"c", b"d", b"e")])
    sent = b"".join(b"".join(args) if name == "writelines" else args for name, args in real.calls)
    assert sent == b"abcde"


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    real = _run(lambda t: (t.write(b"head"), t.close()))
    assert real.calls == [("write", b"head"), ("close", None)]
    real = _run(lambda t: (t.write(b"head"), t.abort()))
    assert real.calls == [("abort", None)]


def test_other_calls_reach_the_transport() -> None:
    loop = asyncio.new_event_loop()
    try:
        transport = CoalescingTransport(RecordingTransport(), loop)  # type: ignore[arg-type]
        assert transport.get_extra_info("sockname") == ("127.0.0.1", 8000)
        assert transport.is_closing() is False
    finally:
        loop.close()
