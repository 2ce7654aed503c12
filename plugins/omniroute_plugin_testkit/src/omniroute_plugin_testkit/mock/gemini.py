"""Google's Gemini API in its three dialects: the mock's ``gemini`` wire format.

One request and answer format (``generateContent``) reaches gateways through three doors,
each a ``MockFormat`` here:

* ``GeminiAPI``: AI Studio (``generativelanguage.googleapis.com``):
  ``POST /v1beta/models/{model}:generateContent``, ``:streamGenerateContent`` (``?alt=sse``:
  SSE; otherwise one JSON array of the chunks), ``:countTokens``, ``GET /v1beta/models`` and
  ``/v1beta/models/{model}`` (and the same under ``/v1`` and ``/v1alpha``); the API key in
  ``x-goog-api-key`` or ``?key=``.
* ``GeminiCodeAssist``: the Cloud Code API behind Gemini CLI accounts
  (``cloudcode-pa.googleapis.com``): ``POST /v1internal:generateContent``,
  ``:streamGenerateContent``, ``:countTokens`` and ``:loadCodeAssist``; the request wrapped
  as ``{model, project, request: {…}}``, answers as ``{response: {…}, traceId}``; an OAuth
  access token as ``Authorization: Bearer``.
* ``GeminiVertex``: Vertex AI: ``POST /v1/projects/{project}/locations/{location}/publishers/
  google/models/{model}:generateContent`` (and ``:streamGenerateContent``, ``:countTokens``;
  ``v1beta1`` too); a Bearer access token.

All three are as strict as the real services (``gemini_proto.py`` for the proto parse
errors, ``gemini_request.py`` for the API's own checks and thought signatures), answer by
the shared rules of ``replies.py`` (``gemini_answer.py`` for the shapes), and report errors
in Google's shape ``{"error": {"code", "message", "status", "details"}}``. Credentials fail
the way Google fails them: AI Studio answers a missing key with 403 ``PERMISSION_DENIED``
and a wrong one with **400** ``INVALID_ARGUMENT`` / ``API_KEY_INVALID`` (not 401); the
Bearer dialects answer 401 ``UNAUTHENTICATED``.

Model names choose the family rules (``gemini_request.ModelRules``): Gemini 3 models
(``gemini-3…``) always think, answer function calls with an ``id`` and demand the call's
thought signature back on the current turn; 2.5 Pro always thinks; other models think when
``thinkingConfig`` asks (a budget other than 0, a level, or ``includeThoughts``). Whenever
the model thought (or signatures are strict), its function call carries a
``thoughtSignature``, and so does the last part of a text answer; thoughts are shown as a
``"thought": true`` part only with ``includeThoughts``, but always counted
(``thoughtsTokenCount``). ``strict_signatures`` and ``call_ids`` force either behaviour for
any model.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar, Literal

from .gemini_answer import Renderer, Wrap, generate, sse_frame
from .gemini_proto import GEMINI, VERTEX, Message, ProtoReader, Schemas, invalid_json
from .gemini_request import ModelRules, count_tokens, prompt_of
from .wire import (
    Answer,
    Exchange,
    JsonAnswer,
    MockError,
    Route,
    StreamAnswer,
    bearer_token,
    body_model,
)

KeyPlace = Literal["header", "query", "either"]
KEY_PLACES: tuple[KeyPlace, ...] = ("header", "query", "either")

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
"""google.rpc.Code names by the HTTP status Google maps them to."""

NO_KEY = (
    "Method doesn't allow unregistered callers (callers without established identity). Please "
    "use API Key or other form of API consumer identity to call this API."
)
BAD_KEY = "API key not valid. Please pass a valid API key."
_OAUTH_HINT = (
    "Expected OAuth 2 access token, login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
NO_TOKEN = f"Request is missing required authentication credential. {_OAUTH_HINT}"
BAD_TOKEN = f"Request had invalid authentication credentials. {_OAUTH_HINT}"
MODEL_INFO = {
    "version": "001",
    "inputTokenLimit": 1048576,
    "outputTokenLimit": 65536,
    "supportedGenerationMethods": ["generateContent", "countTokens"],
    "temperature": 1.0,
    "maxTemperature": 2.0,
    "topP": 0.95,
    "topK": 64,
    "thinking": True,
}


def _bearer_error(exchange: Exchange, accepted: Collection[str] | None) -> MockError | None:
    if exchange.key is None:
        return MockError(401, NO_TOKEN, code="CREDENTIALS_MISSING")
    if accepted is not None and exchange.key not in accepted:
        return MockError(401, BAD_TOKEN, code="ACCESS_TOKEN_TYPE_UNSUPPORTED")
    return None


class _Gemini:
    """What the three dialects share: options, errors, validation and answers."""

    name = "gemini"
    base_path = ""
    garbage_event = b"data: {this is not json\r\n\r\n"
    service: ClassVar[str]
    """The Google service errors name (``ErrorInfo.metadata.service``)."""
    package: ClassVar[str] = "google.ai.generativelanguage.v1beta"
    schemas: ClassVar[Schemas] = GEMINI

    def __init__(
        self,
        *,
        credentials: Collection[str] | None = None,
        strict_signatures: bool | None = None,
        call_ids: bool | None = None,
        known_models_only: bool = False,
    ) -> None:
        self.credentials = credentials
        self.strict_signatures = strict_signatures
        self.call_ids = call_ids
        self.known_models_only = known_models_only
        self._reader = ProtoReader(self.package)
        self._ids = itertools.count(1)

    # -- MockFormat ------------------------------------------------------------------------

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        """Google's error shape; ``code`` is an ``ErrorInfo`` reason (``API_KEY_INVALID``),
        ``param`` the field a ``BadRequest`` violation names ("" for the body itself)."""
        kind = _STATUS.get(status, "FAILED_PRECONDITION" if status < 500 else "UNKNOWN")
        error: dict[str, Any] = {"code": status, "message": message, "status": kind}
        details: list[dict[str, Any]] = []
        if code:
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": code,
                    "domain": "googleapis.com",
                    "metadata": {"service": self.service},
                }
            )
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": message,
                }
            )
        if param is not None:
            violation = {"field": param} if param else {}
            violation["description"] = message
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [violation],
                }
            )
        if details:
            error["details"] = details
        return {"error": error}

    # -- capabilities the contract suite asks about ----------------------------------------

    def issues_call_ids(self, model: str) -> bool:
        """Function calls for ``model`` carry an ``id`` the response must echo (Gemini 3)."""
        return self.call_ids if self.call_ids is not None else ModelRules.of(model).gemini3

    def requires_signatures(self, model: str) -> bool:
        """Replayed function calls of the current turn must carry their thought signature."""
        if self.strict_signatures is not None:
            return self.strict_signatures
        return ModelRules.of(model).gemini3

    def credential_error(self, message: str) -> tuple[int, Any]:
        """A rejected access token (the Bearer dialects; AI Studio overrides)."""
        return 401, self.error_body(401, message, code="ACCESS_TOKEN_TYPE_UNSUPPORTED")

    # -- shared machinery ------------------------------------------------------------------

    def _parse(self, exchange: Exchange, message: Message) -> dict[str, Any]:
        if not exchange.valid_json:
            raise invalid_json()
        return self._reader.read(exchange.body, message)

    def _check_model(self, exchange: Exchange, model: str, missing: str) -> None:
        if self.known_models_only and model not in exchange.models:
            raise MockError(404, missing)

    def _generate(
        self,
        request: Mapping[str, Any],
        model: str,
        stream: str | None,
        wrap: Wrap = dict,
    ) -> Answer:
        """Answer a checked ``GenerateContentRequest``; ``stream`` is None, ``"sse"`` or
        ``"json"`` (a JSON array of the chunks, what Google sends without ``alt=sse``)."""
        strict = self.requires_signatures(model)
        prompt = prompt_of(request, model, vertex=self.schemas is VERTEX, strict=strict)
        answer = generate(prompt, call_ids=self.issues_call_ids(model), sign_calls=strict)
        renderer = self._renderer(model, wrap)
        if stream == "sse":
            return StreamAnswer([sse_frame(chunk) for chunk in renderer.chunks(answer)])
        if stream == "json":
            return JsonAnswer(renderer.chunks(answer))
        return JsonAnswer(renderer.response(answer))

    def _renderer(self, model: str, wrap: Wrap) -> Renderer:
        head = {"modelVersion": model.removeprefix("models/"), "responseId": self._next_id()}
        return Renderer(head, {}, wrap)

    def _next_id(self) -> str:
        return f"mockResponse{next(self._ids):010d}"


def _stream_mode(exchange: Exchange) -> str:
    return "sse" if exchange.query.get("alt") == "sse" else "json"


class GeminiAPI(_Gemini):
    """AI Studio (the Gemini Developer API), as the ``google-genai`` SDK talks to it.

    ``auth``: where the key must be (``header``: ``x-goog-api-key``, as the SDKs send it;
    ``query``: ``?key=``; ``either``); a key elsewhere counts as missing. ``credentials``:
    the keys accepted (None: any key; a live collection may grow while the mock runs). Use
    it rather than ``MockUpstream(api_keys=…)``, whose format-neutral check answers 401,
    which AI Studio never sends for a key.
    ``version``: the API version a connection's ``base_url`` ends in (``base_path``), like
    the real ``https://generativelanguage.googleapis.com/v1beta``; every version is served
    (``v1``, which the ``google-genai`` SDK uses by default, ``v1beta``, ``v1alpha``).
    ``known_models_only``: models outside the mock's catalogue get the real 404.
    """

    service = "generativelanguage.googleapis.com"

    def __init__(
        self,
        *,
        auth: KeyPlace = "either",
        version: str = "v1beta",
        credentials: Collection[str] | None = None,
        strict_signatures: bool | None = None,
        call_ids: bool | None = None,
        known_models_only: bool = False,
    ) -> None:
        if auth not in KEY_PLACES:
            raise ValueError(f"auth must be one of {KEY_PLACES}, not {auth!r}")
        super().__init__(
            credentials=credentials,
            strict_signatures=strict_signatures,
            call_ids=call_ids,
            known_models_only=known_models_only,
        )
        self.auth: KeyPlace = auth
        self.version = version
        self.base_path = f"/{version}"

    @property
    def routes(self) -> Sequence[Route]:
        models = "/{version:v1|v1beta|v1alpha}/models"
        return (
            Route("POST", models + "/{model}:generateContent", self.generate_content),
            Route("POST", models + "/{model}:streamGenerateContent", self.stream_generate_content),
            Route("POST", models + "/{model}:countTokens", self.count_tokens),
            Route("GET", models, self.list_models),
            Route("GET", models + "/{model}", self.get_model),
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        header = headers.get("x-goog-api-key", "").strip() or None
        in_query = query.get("key", "").strip() or None
        if self.auth == "header":
            return header
        if self.auth == "query":
            return in_query
        return header or in_query

    def read_model(self, exchange: Exchange) -> str | None:
        return exchange.path_params.get("model")

    def credential_error(self, message: str) -> tuple[int, Any]:
        """AI Studio rejects a key with a 400, told apart only by ``API_KEY_INVALID``."""
        return 400, self.error_body(400, message, code="API_KEY_INVALID")

    # -- endpoints -------------------------------------------------------------------------

    def generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, None)

    def stream_generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, _stream_mode(exchange))

    def count_tokens(self, exchange: Exchange) -> Answer:
        self._check_key(exchange)
        body = self._parse(exchange, self.schemas.count_tokens)
        nested = body.get("generateContentRequest")
        if nested is not None and body.get("contents"):
            raise MockError(400, "Only one of contents and generate_content_request may be set.")
        source = nested if nested is not None else body
        total = count_tokens(source.get("contents") or [], source.get("systemInstruction"))
        return JsonAnswer(
            {
                "totalTokens": total,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
            }
        )

    def list_models(self, exchange: Exchange) -> Answer:
        self._check_key(exchange)
        return JsonAnswer({"models": [_model_info(model) for model in exchange.models]})

    def get_model(self, exchange: Exchange) -> Answer:
        self._check_key(exchange)
        model = exchange.path_params["model"]
        if model not in exchange.models:
            version = exchange.path_params["version"]
            raise MockError(404, f"models/{model} is not found for API version {version}")
        return JsonAnswer(_model_info(model))

    # -- helpers ---------------------------------------------------------------------------

    def _generate_at(self, exchange: Exchange, stream: str | None) -> Answer:
        self._check_key(exchange)
        model = exchange.path_params["model"]
        method = "streamGenerateContent" if stream else "generateContent"
        self._check_model(
            exchange,
            model,
            f"models/{model} is not found for API version {exchange.path_params['version']}, "
            "or is not supported "
            f"for {method}. Call ListModels to see the list of available models and their "
            "supported methods.",
        )
        return self._generate(self._parse(exchange, self.schemas.generate), model, stream)

    def _check_key(self, exchange: Exchange) -> None:
        if exchange.key is None:
            raise MockError(403, NO_KEY)
        if self.credentials is not None and exchange.key not in self.credentials:
            raise MockError(400, BAD_KEY, code="API_KEY_INVALID")


def _model_info(model: str) -> dict[str, Any]:
    return {
        "name": f"models/{model}",
        "baseModelId": model,
        "displayName": model,
        "description": f"{model} (omniroute mock)",
        **MODEL_INFO,
    }


class _ProjectScoped(_Gemini):
    """The Google Cloud dialects, whose requests name a project: ``projects``, when set,
    lists the ones the account may use."""

    def __init__(
        self,
        *,
        projects: Collection[str] | None = None,
        credentials: Collection[str] | None = None,
        strict_signatures: bool | None = None,
        call_ids: bool | None = None,
        known_models_only: bool = False,
    ) -> None:
        super().__init__(
            credentials=credentials,
            strict_signatures=strict_signatures,
            call_ids=call_ids,
            known_models_only=known_models_only,
        )
        self.projects = projects


class GeminiCodeAssist(_ProjectScoped):
    """The Cloud Code (Code Assist) API Gemini CLI accounts use.

    ``credentials``: the OAuth access tokens accepted (None: any Bearer token; a live
    collection such as an OAuth mock's ``issued`` list may be passed). ``projects``: when
    set, the envelope's ``project`` must be one of them (else the real 403); the first is
    what ``loadCodeAssist`` reports as the account's project.
    """

    service = "cloudcode-pa.googleapis.com"

    @property
    def routes(self) -> Sequence[Route]:
        return (
            Route("POST", "/v1internal:generateContent", self.generate_content),
            Route("POST", "/v1internal:streamGenerateContent", self.stream_generate_content),
            Route("POST", "/v1internal:countTokens", self.count_tokens),
            Route("POST", "/v1internal:loadCodeAssist", self.load_code_assist),
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers)

    def read_model(self, exchange: Exchange) -> str | None:
        return body_model(exchange)

    def generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, None)

    def stream_generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, _stream_mode(exchange))

    def count_tokens(self, exchange: Exchange) -> Answer:
        self._check_token(exchange)
        body = self._parse(exchange, self.schemas.code_assist_count)
        request = body.get("request") or {}
        return JsonAnswer({"totalTokens": count_tokens(request.get("contents") or [])})

    def load_code_assist(self, exchange: Exchange) -> Answer:
        """Which tier and project the account has (Gemini CLI asks before its first call)."""
        self._check_token(exchange)
        project = next(iter(self.projects), None) if self.projects else None
        tier = {"id": "free-tier", "name": "Gemini Code Assist for individuals"}
        return JsonAnswer(
            {
                "currentTier": tier,
                "allowedTiers": [{**tier, "isDefault": True}],
                "cloudaicompanionProject": project or "omniroute-mock-project",
                "gcpManaged": False,
            }
        )

    def _generate_at(self, exchange: Exchange, stream: str | None) -> Answer:
        self._check_token(exchange)
        envelope = self._parse(exchange, self.schemas.code_assist)
        model = envelope.get("model")
        if not model:
            raise MockError(400, "* CAGenerateContentRequest.model: model is required\n")
        request = envelope.get("request")
        if request is None:
            raise MockError(400, "* CAGenerateContentRequest.request: request is required\n")
        project = envelope.get("project") or ""
        if self.projects is not None and project not in self.projects:
            raise MockError(
                403,
                "Permission 'cloudaicompanion.companions.generateChat' denied on resource "
                f"'//cloudaicompanion.googleapis.com/projects/{project}/locations/global' (or "
                "it may not exist).",
                code="IAM_PERMISSION_DENIED",
            )
        self._check_model(exchange, model, "Requested entity was not found.")
        trace = f"mockTrace{next(self._ids):010d}"
        return self._generate(
            request, model, stream, lambda response: {"response": response, "traceId": trace}
        )

    def _check_token(self, exchange: Exchange) -> None:
        error = _bearer_error(exchange, self.credentials)
        if error is not None:
            raise error


class GeminiVertex(_ProjectScoped):
    """Vertex AI's Gemini endpoints (``publishers/google/models``).

    ``credentials``: the access tokens accepted (None: any Bearer token). ``projects``: when
    set, the path's project must be one of them (else the real 403).
    """

    service = "aiplatform.googleapis.com"
    package = "google.cloud.aiplatform.v1"
    schemas = VERTEX
    _MODEL_PATH = (
        "/{version:v1|v1beta1}/projects/{project}/locations/{location}/publishers/google/"
        "models/{model}"
    )

    @property
    def routes(self) -> Sequence[Route]:
        path = self._MODEL_PATH
        return (
            Route("POST", path + ":generateContent", self.generate_content),
            Route("POST", path + ":streamGenerateContent", self.stream_generate_content),
            Route("POST", path + ":countTokens", self.count_tokens),
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers)

    def read_model(self, exchange: Exchange) -> str | None:
        return exchange.path_params.get("model")

    def generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, None)

    def stream_generate_content(self, exchange: Exchange) -> Answer:
        return self._generate_at(exchange, _stream_mode(exchange))

    def count_tokens(self, exchange: Exchange) -> Answer:
        self._check_access(exchange)
        body = self._parse(exchange, self.schemas.count_tokens)
        contents = body.get("contents") or []
        total = count_tokens(contents, body.get("systemInstruction"))
        characters = sum(
            len(part.get("text", "").replace(" ", ""))
            for content in contents
            for part in content.get("parts") or []
        )
        return JsonAnswer(
            {
                "totalTokens": total,
                "totalBillableCharacters": characters,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
            }
        )

    def _generate_at(self, exchange: Exchange, stream: str | None) -> Answer:
        self._check_access(exchange)
        params = exchange.path_params
        self._check_model(
            exchange,
            params["model"],
            f"Publisher Model `projects/{params['project']}/locations/{params['location']}/"
            f"publishers/google/models/{params['model']}` was not found or your project does "
            "not have access to it. Please ensure you are using a valid model version. For "
            "more information, see: "
            "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions",
        )
        request = self._parse(exchange, self.schemas.generate)
        return self._generate(request, params["model"], stream)

    def _renderer(self, model: str, wrap: Wrap) -> Renderer:
        created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        head = {
            "modelVersion": model,
            "createTime": created,
            "responseId": self._next_id(),
        }
        return Renderer(head, {"trafficType": "ON_DEMAND"}, wrap)

    def _check_access(self, exchange: Exchange) -> None:
        error = _bearer_error(exchange, self.credentials)
        if error is not None:
            raise error
        params = exchange.path_params
        if self.projects is not None and params["project"] not in self.projects:
            resource = (
                f"//aiplatform.googleapis.com/projects/{params['project']}/locations/"
                f"{params['location']}/publishers/google/models/{params['model']}"
            )
            raise MockError(
                403,
                f"Permission 'aiplatform.endpoints.predict' denied on resource '{resource}' "
                "(or it may not exist).",
                code="IAM_PERMISSION_DENIED",
            )
