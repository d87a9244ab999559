"""The base class of the generated client: ariadne-codegen copies this file into api_client/.

All of the transport (in-process HTTP, request id, timeouts, errors by their `extensions`)
lives in `service.web.client.CatalogTransport`; this file only names the class that the
generated `CatalogClient` extends, so regenerating never copies transport code around.
"""

from service.web.client import CatalogTransport


class CatalogBaseClient(CatalogTransport):
    """The generated client's base class (see service.web.client.CatalogTransport)."""
