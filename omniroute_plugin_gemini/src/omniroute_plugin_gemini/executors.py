"""Executors for the three Gemini endpoint families.

* ``gemini``: AI Studio, ``{base}/models/{model}:generateContent`` (base ``…/v1beta``);
* ``gemini-cloudcode``: the Code Assist API Gemini CLI accounts use,
  ``{base}/v1internal:generateContent`` with the request wrapped as
  ``{model, project, request}`` and answers wrapped as ``{response}``;
* ``vertex``: ``{base}/v1/projects/{project}/locations/{location}/publishers/google/models/
  {model}:generateContent`` on the regional host.

Streams always use ``:streamGenerateContent?alt=sse``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from omniroute import Body, Candidate, NoCredentials, UpstreamRequest

_NO_HEADERS: Mapping[str, str] = {}
DEFAULT_LOCATION = "us-central1"


def _method(stream: bool) -> str:
    return ":streamGenerateContent?alt=sse" if stream else ":generateContent"


def _request(url: str, body: Body, stream: bool, timeout: float) -> UpstreamRequest:
    return UpstreamRequest.post_json(url, body, stream=stream, timeout=timeout)


class GenerateContentExecutor:
    name = "gemini"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        url = f"{candidate.base_url}/models/{candidate.target.model}{_method(stream)}"
        return _request(url, body, stream, timeout)

    def build_count_tokens_request(
        self, candidate: Candidate, body: Body, timeout: float
    ) -> UpstreamRequest:
        model = candidate.target.model
        counted = {"generateContentRequest": {"model": f"models/{model}", **body}}
        return _request(f"{candidate.base_url}/models/{model}:countTokens", counted, False, timeout)


class CloudCodeExecutor:
    """Gemini CLI accounts. ``extra.project`` is the Google Cloud project the account's
    Code Assist tier belongs to (``gemini`` CLI shows it); without one the API picks the
    account's default, which works for the free tier."""

    name = "gemini-cloudcode"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        envelope: Body = {"model": candidate.target.model, "request": body}
        project = candidate.connection.extra.get("project")
        if project:
            envelope["project"] = project
        return _request(
            f"{candidate.base_url}/v1internal{_method(stream)}", envelope, stream, timeout
        )

    def adapt_response(self, body: Body) -> Body:
        inner = body.get("response")
        return inner if isinstance(inner, dict) else body

    def adapt_event(self, data: Body) -> Body:
        return self.adapt_response(data)


class VertexExecutor:
    """Vertex AI. The project comes from ``extra.project`` or the service account's
    ``project_id``; the location from ``extra.location`` (default ``us-central1``;
    ``global`` uses the global host)."""

    name = "vertex"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        connection = candidate.connection
        location = str(connection.extra.get("location") or DEFAULT_LOCATION)
        project = connection.extra.get("project") or _service_account_project(connection.secret)
        if not project:
            raise NoCredentials(
                f"connection {connection.name!r} of vertex needs extra.project or a service "
                "account with project_id"
            )
        base = candidate.base_url
        if connection.base_url is None and location != "global":
            base = f"https://{location}-aiplatform.googleapis.com"
        url = (
            f"{base}/v1/projects/{project}/locations/{location}/publishers/google/models/"
            f"{candidate.target.model}{_method(stream)}"
        )
        return _request(url, body, stream, timeout)


def _service_account_project(secret: str | None) -> str | None:
    try:
        info = json.loads(secret or "")
    except ValueError:
        return None
    project = info.get("project_id") if isinstance(info, dict) else None
    return project if isinstance(project, str) else None
