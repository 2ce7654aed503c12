"""Hook implementations of the ``gemini`` plugin (entry point ``gemini``).

Empty on purpose until each piece exists: a hook that registered a half-built object would
advertise a capability the gateway cannot serve. What will be registered here:

* ``register_formats``: the ``gemini`` wire format, serving
  ``/v1beta/models/{model}:generateContent`` and ``:streamGenerateContent`` (Gemini error
  shape, ``x-goog-api-key`` or ``?key=`` gateway keys);
* ``register_translators``: ``gemini -> openai`` and ``openai -> gemini`` requests, responses
  and streams;
* ``register_executors``: the Generative Language API executor;
* ``register_auth_strategies``: ``x-goog-api-key`` and ``query-key``;
* ``register_providers``: the ``gemini`` manifest and its model catalogue.
"""
