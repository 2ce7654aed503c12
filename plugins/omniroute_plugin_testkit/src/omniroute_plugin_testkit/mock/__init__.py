"""Mock upstream APIs speaking real wire formats, with recording and scripted faults.

``MockUpstream`` is the server; ``Fault`` describes a misbehaviour; the format modules
(``OpenAIChat``, ``AnthropicMessages``, ``GeminiAPI`` …) describe what an API answers.
``FORMATS`` maps an OmniRoute wire format name to its mock, so suites can pick the mock a
provider needs; formats reached through several APIs have one mock per API (Gemini:
``GeminiAPI`` for AI Studio, ``GeminiCodeAssist`` for Gemini CLI accounts, ``GeminiVertex``),
and ``FORMATS`` names the most common one (``openai-responses``: ``OpenAIResponses`` for
api.openai.com, ``CodexResponses`` for ChatGPT accounts). ``OpenCode`` is one host serving
several formats by path (OpenCode Zen and Go).
"""

from .anthropic import AnthropicMessages, sign_thinking
from .faults import Fault, Injection
from .gemini import GeminiAPI, GeminiCodeAssist, GeminiVertex
from .gemini_request import thought_signature
from .openai import OpenAIChat
from .opencode import GO_BASE_PATH, ZEN_BASE_PATH, OpenCode, is_free_model
from .recording import RecordedRequest
from .responses import CodexResponses, OpenAIResponses, seal_reasoning
from .server import DEFAULT_MODELS, MockUpstream
from .wire import Admits, MockFormat, RejectsCredentials, RequiresStream, ToolCallIds

FORMATS: dict[str, type[MockFormat]] = {
    OpenAIChat.name: OpenAIChat,
    AnthropicMessages.name: AnthropicMessages,
    GeminiAPI.name: GeminiAPI,
    OpenAIResponses.name: OpenAIResponses,
}
"""Wire format name -> mock format class, for every format the testkit can mock."""

__all__ = [
    "DEFAULT_MODELS",
    "FORMATS",
    "GO_BASE_PATH",
    "ZEN_BASE_PATH",
    "Admits",
    "AnthropicMessages",
    "CodexResponses",
    "Fault",
    "GeminiAPI",
    "GeminiCodeAssist",
    "GeminiVertex",
    "Injection",
    "MockFormat",
    "MockUpstream",
    "OpenAIChat",
    "OpenAIResponses",
    "OpenCode",
    "RecordedRequest",
    "RejectsCredentials",
    "RequiresStream",
    "ToolCallIds",
    "is_free_model",
    "seal_reasoning",
    "sign_thinking",
    "thought_signature",
]
