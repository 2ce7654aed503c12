"""OmniRoute: a local-first AI gateway extended by plugins.

This module is the public API plugins depend on; everything else is internal.
"""

from .errors import (
    AuthenticationError,
    GatewayError,
    InvalidRequest,
    ModelNotFound,
    NoCredentials,
    PluginLoadError,
    StartupError,
    UpstreamError,
)
from .hookspecs import hookimpl
from .hub import PDF_MEDIA_TYPE, chat_body, data_url, inline_file, message_text, with_stream_flag
from .interfaces import (
    AuthStrategy,
    Executor,
    HttpSender,
    RecordingStrategy,
    RefreshingAuthStrategy,
    RoutingStrategy,
    StickyStrategy,
    StreamTranslator,
    Surface,
    TokenCountingExecutor,
    TokenCountingFormat,
    Translator,
    WireFormat,
)
from .manifests import manifests_from_toml
from .oauth import (
    REFRESH_LEAD_SECONDS,
    RefreshTokenGrant,
    expiring,
    request_tokens,
    with_tokens,
)
from .security.keys import bearer_token
from .settings import Settings
from .sse import SSEDecoder, SSEEvent, sse_frame
from .state import StateBackend
from .types import (
    Body,
    Candidate,
    Connection,
    ModelInfo,
    ProviderManifest,
    Target,
    UpstreamRequest,
    Usage,
)

__version__ = "0.1.0"
PLUGIN_API_VERSION = "1"
"""Bumped when a hookspec or protocol changes incompatibly; plugins pin ``omniroute`` ranges."""

__all__ = [
    "PDF_MEDIA_TYPE",
    "PLUGIN_API_VERSION",
    "REFRESH_LEAD_SECONDS",
    "AuthStrategy",
    "AuthenticationError",
    "Body",
    "Candidate",
    "Connection",
    "Executor",
    "GatewayError",
    "HttpSender",
    "InvalidRequest",
    "ModelInfo",
    "ModelNotFound",
    "NoCredentials",
    "PluginLoadError",
    "ProviderManifest",
    "RecordingStrategy",
    "RefreshTokenGrant",
    "RefreshingAuthStrategy",
    "RoutingStrategy",
    "SSEDecoder",
    "SSEEvent",
    "Settings",
    "StartupError",
    "StateBackend",
    "StickyStrategy",
    "StreamTranslator",
    "Surface",
    "Target",
    "TokenCountingExecutor",
    "TokenCountingFormat",
    "Translator",
    "UpstreamError",
    "UpstreamRequest",
    "Usage",
    "WireFormat",
    "__version__",
    "bearer_token",
    "chat_body",
    "data_url",
    "expiring",
    "hookimpl",
    "inline_file",
    "manifests_from_toml",
    "message_text",
    "request_tokens",
    "sse_frame",
    "with_stream_flag",
    "with_tokens",
]
