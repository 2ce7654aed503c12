"""Hook implementations of the ``claude`` plugin (entry point ``claude``).

Empty on purpose until each piece exists: a hook that registered a half-built object would
advertise a capability the gateway cannot serve. What will be registered here:

* ``register_formats``: the ``claude`` wire format, serving ``/v1/messages`` and
  ``/v1/messages/count_tokens`` (Anthropic error shape, ``x-api-key`` gateway keys);
* ``register_translators``: ``claude -> openai`` and ``openai -> claude`` requests, responses
  and streams (tools, thinking blocks, usage);
* ``register_executors``: the Anthropic Messages API executor;
* ``register_auth_strategies``: ``x-api-key`` with ``anthropic-version``, and Claude Code OAuth
  with refresh;
* ``register_providers``: ``claude`` (API key) and ``cc`` (Claude Code) manifests.
"""
