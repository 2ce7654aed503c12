"""The gateway's exception tree and what each error tells a client.

Every error a client can see is a ``GatewayError`` carrying an HTTP status, an OpenAI-style
``type`` and a stable ``code``; each wire format renders it in its own shape
(``WireFormat.error_body``), so one classification serves every surface.

* GatewayError
  * RequestError (4xx caused by the client)
    * InvalidJSON, InvalidRequest, PayloadTooLarge
    * AuthenticationError, PermissionDenied
    * ModelNotFound, ProviderNotFound, ProviderMismatch
  * RoutingError
    * NoCredentials
  * UpstreamError (the provider answered with an error status)
    * UpstreamTimeout, UpstreamUnavailable (connection failed), UpstreamProtocolError (garbage)

Startup problems are not request errors: ``PluginLoadError`` and ``StartupError`` stop the
server before it binds and list every problem at once.
"""

from __future__ import annotations

from collections.abc import Sequence


class GatewayError(Exception):
    """An error that ends a client request with ``status``."""

    status = 500
    type = "server_error"
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        if type is not None:
            self.type = type
        self.headers = headers or {}


class RequestError(GatewayError):
    status = 400
    type = "invalid_request_error"
    code = "invalid_request"


class InvalidJSON(RequestError):
    code = "invalid_json"


class InvalidRequest(RequestError):
    code = "invalid_request"


class PayloadTooLarge(RequestError):
    status = 413
    code = "payload_too_large"


class AuthenticationError(RequestError):
    status = 401
    type = "authentication_error"
    code = "invalid_api_key"


class PermissionDenied(RequestError):
    status = 403
    type = "permission_error"
    code = "permission_denied"


class ModelNotFound(RequestError):
    status = 404
    type = "invalid_request_error"
    code = "model_not_found"


class ProviderNotFound(RequestError):
    status = 404
    code = "provider_not_found"


class ProviderMismatch(RequestError):
    code = "provider_mismatch"


class RoutingError(GatewayError):
    status = 503
    type = "server_error"
    code = "no_route"


class NoCredentials(RoutingError):
    """The provider is known but no enabled connection can serve it."""

    status = 503
    code = "no_credentials"


class UpstreamError(GatewayError):
    """The provider answered with an error; its status is kept when it helps the client."""

    status = 502
    type = "upstream_error"
    code = "upstream_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
        provider: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, type=type, headers=headers)
        self.provider = provider
        self.retry_after = retry_after


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream_timeout"


class UpstreamUnavailable(UpstreamError):
    """The connection to the provider could not be made or broke."""

    code = "upstream_unavailable"


class UpstreamProtocolError(UpstreamError):
    """The provider answered something that is not its wire format."""

    code = "upstream_bad_response"


class StreamEndedEarly(UpstreamProtocolError):
    """The upstream closed a stream before its first event: worth one more try."""

    code = "stream_early_eof"


class PluginLoadError(Exception):
    """A plugin entry point failed to import or register; names its distribution."""


class StartupError(Exception):
    """Every problem found while validating the registry, reported together."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} startup problem(s):\n{lines}")
