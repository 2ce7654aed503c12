"""Hook implementations of the ``opencode`` plugin (entry point ``opencode``).

Empty on purpose until each piece exists: a hook that registered a half-built object would
advertise a capability the gateway cannot serve. What will be registered here:

* ``register_executors``: an executor posting to ``{base}/messages`` for Claude-format models
  and to ``{base}/chat/completions`` for the rest;
* ``register_auth_strategies``: ``x-api-key`` + ``anthropic-version: 2023-06-01`` for
  Claude-format calls, ``Authorization: Bearer`` otherwise;
* ``register_providers``: the ``opencode-zen`` and ``opencode-go`` manifests, whose models
  name their wire format per model family.

The ``claude`` format and its translators are not registered here: they come from
``omniroute-plugin-claude`` by name, which is why this distribution depends on it.
"""
