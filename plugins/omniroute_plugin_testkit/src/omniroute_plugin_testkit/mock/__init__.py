"""Mock upstream APIs speaking real wire formats, with recording and scripted faults.

``MockUpstream`` is the server; ``Fault`` describes a misbehaviour; the format modules
(``OpenAIChat``, ``AnthropicMessages`` …) describe what an API answers. ``FORMATS`` maps an
OmniRoute wire format name to its mock, so suites can pick the mock a provider needs.
"""

from .anthropic import AnthropicMessages, sign_thinking
from .faults import Fault, Injection
from .openai import OpenAIChat
from .recording import RecordedRequest
from .server import DEFAULT_MODELS, MockUpstream
from .wire import MockFormat

FORMATS: dict[str, type[MockFormat]] = {
    OpenAIChat.name: OpenAIChat,
    AnthropicMessages.name: AnthropicMessages,
}
"""Wire format name -> mock format class, for every format the testkit can mock."""

__all__ = [
    "DEFAULT_MODELS",
    "FORMATS",
    "AnthropicMessages",
    "Fault",
    "Injection",
    "MockFormat",
    "MockUpstream",
    "OpenAIChat",
    "RecordedRequest",
    "sign_thinking",
]
