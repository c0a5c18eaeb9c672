"""A bounded in-process cache of query answers, valid for one dataset version.

It answers a repeated query before any worker is involved. Entries carry the version they were computed at; the
first lookup after a write sees a newer version and empties the cache, so no answer outlives a write.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from ..store import QueryResult


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0


class ResultCache:
    def __init__(self, max_entries: int = 1024, max_bytes: int = 64 * 2**20, max_entry_bytes: int | None = None):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes if max_entry_bytes is not None else max(max_bytes // 16, 1)
        self._entries: OrderedDict[Hashable, QueryResult] = OrderedDict()
        self._bytes = 0
        self._version = -1
        self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def _sync(self, version: int) -> None:
        if version != self._version:
            self.clear()
            self._version = version

    def get(self, key: Hashable, version: int) -> QueryResult | None:
        self._sync(version)
        hit = self._entries.get(key)
        if hit is None:
            self.stats.misses += 1
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return hit

    def peek(self, key: Hashable, version: int) -> QueryResult | None:
        """Like :meth:`get`, but a miss is not counted (the caller will ask :meth:`get` again)."""
        if version != self._version:
            return None
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            self.stats.hits += 1
        return hit

    def put(self, key: Hashable, result: QueryResult, current_version: int) -> None:
        self._sync(current_version)
        size = len(result.body)
        if self.max_entries <= 0 or result.version != current_version or size > self.max_entry_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = result
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
            self.stats.evictions += 1
