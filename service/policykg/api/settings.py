"""Service settings: defaults, overridden by ``POLICYKG_*`` environment variables, overridden by CLI flags.

The update token is read from ``POLICYKG_UPDATE_TOKEN`` only (a command-line flag would show it in ``ps``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

MIB = 2**20
ENV_PREFIX = "POLICYKG_"
ENV_ALIASES = {"workers": "QUERY_WORKERS", "allowed_endpoints": "ALLOW_ENDPOINT"}
"""Settings whose ``serve`` option has another name: its variable is named after the option (as README says), the
field's own name is read too."""


class SettingError(ValueError):
    """An environment variable whose value the setting cannot take (the message names both)."""


def _default_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    store: Path | None = None
    """Directory of a persistent store; None keeps the dataset in memory."""
    empty: bool = False
    """Start without building or loading the corpus (a disposable store, e.g. for the W3C test suites)."""
    union_default_graph: bool = True
    """The query default graph is the union of all graphs (off: the store's own default graph, as SPARQL says)."""
    timeout: float = 10.0
    """Seconds a query (or an update's checks) may run before it is stopped."""
    row_cap: int = 10_000
    """Most rows (or triples) a result may carry; longer results are cut and say so."""
    max_query_bytes: int = 1 * MIB
    max_upload_bytes: int = 512 * MIB
    cache_entries: int = 1024
    cache_bytes: int = 64 * MIB
    cache_max_age: int = 0
    """``Cache-Control: max-age`` of read answers (0: clients and proxies revalidate with the ETag)."""
    allowed_endpoints: tuple[str, ...] = ()
    """SERVICE endpoints and LOAD sources that may be fetched (an entry ending in ``/`` allows everything below)."""
    update_token: str | None = field(default=None, repr=False)
    workers: int = field(default_factory=_default_workers)
    max_waiting: int = 64
    backend: str = "embedded"
    """``embedded`` (pyoxigraph in this process) or ``sparql`` (a remote SPARQL 1.1 store: docs/remote-stores.md)."""
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    remote_auth: str | None = field(default=None, repr=False)
    """``user:password`` for the remote store (``POLICYKG_REMOTE_AUTH`` keeps it out of ``ps``)."""
    auth_scheme: str = "auto"
    union_mode: str = "explicit"
    """How the union default graph is asked of a remote store: explicit (list the graphs), param, native."""
    poll_interval: float = 1.0
    """A remote store's version marker is read again before a request when the last read is older than this many
    seconds (writes by other instances show up then); nothing is read while no request comes in."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults ← environment ← ``overrides`` (``None`` values in ``overrides`` are ignored)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            for name in (f.name.upper(), ENV_ALIASES.get(f.name)):
                raw = env.get(ENV_PREFIX + name) if name else None
                if raw:
                    try:
                        values[f.name] = _convert(f.name, raw)
                    except ValueError:
                        raise SettingError(f"{ENV_PREFIX}{name}={raw!r}: expected {_kind(f.name)}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _kind(name: str) -> str:
    text = str({f.name: f.type for f in fields(Settings)}[name])
    return {"int": "a whole number", "float": "a number"}.get(text, text)


def _convert(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    text = str(kind)
    if name == "allowed_endpoints":
        return tuple(part for part in raw.replace(",", " ").split() if part)
    if name == "store":
        return Path(raw)
    if text == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if text == "int":
        return int(raw)
    if text == "float":
        return float(raw)
    return raw
