"""The store layer: the :class:`~.base.Store` contract the API talks to, and its embedded pyoxigraph backend."""

from .base import Dataset, GraphName, QueryRequest, QueryResult, Store, UpdateRequest
from .errors import StoreError

__all__ = ["Dataset", "GraphName", "QueryRequest", "QueryResult", "Store", "StoreError", "UpdateRequest"]
