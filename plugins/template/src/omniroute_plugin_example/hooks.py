"""Hook implementations of the ``example`` plugin (entry point ``example``).

The gateway imports this module at startup and calls each ``@hookimpl`` once, so it holds
nothing else and does no work at import time. Example Cloud speaks the OpenAI chat API, so the
manifest only names the executor, auth strategy and wire format that omniroute's ``builtin``
plugin registers; a provider with its own protocol would register those too (see
``docs/plugins.md``).
"""

from __future__ import annotations

from collections.abc import Callable

from omniroute import ModelInfo, ProviderManifest, hookimpl


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None]) -> None:
    """Declare Example Cloud; clients then ask for ``example/<model>`` or ``ex/<model>``.

    The hookspec also passes ``settings``; an implementation declares only the arguments it
    uses, so this one leaves it out.
    """
    register(
        ProviderManifest(
            id="example",
            display_name="Example Cloud",
            executor="openai-chat",
            auth="bearer",
            format="openai",
            base_url="https://api.example.com/v1",
            aliases=("ex",),
            # Prices are USD per million tokens; usage records and cost headers use them.
            models=(
                ModelInfo("example-large", context_length=128_000, input_price=1, output_price=3),
                ModelInfo(
                    "example-small", context_length=32_000, input_price=0.1, output_price=0.3
                ),
            ),
        )
    )
