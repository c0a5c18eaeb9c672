"""The HTTP service: the SPARQL 1.1 Protocol at ``/sparql``, the Graph Store Protocol at ``/store`` and
``/healthz``, over any :class:`~policykg.store.Store`. Build the app with :func:`create_app`."""

from .app import create_app
from .services import Services, services
from .settings import Settings

__all__ = ["Services", "Settings", "create_app", "services"]
