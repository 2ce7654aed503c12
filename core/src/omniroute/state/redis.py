"""The shared state backend: Redis, so several gateway processes see the same counters.

One connection pool per process, a blocking one: under a burst of concurrent requests a
caller waits for a free connection instead of failing with "too many connections". Every key is
written under ``prefix`` so one Redis can serve several gateways or a test run without
collisions. ``incr`` runs as a Lua script: creating the counter and setting its expiry happen
in one step, otherwise a crash between the two would leave a counter that never expires.
"""

from __future__ import annotations

from typing import Any, cast

import redis.asyncio as aioredis

from omniroute.errors import StartupError
from omniroute.settings import Settings

_INCR = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and tonumber(ARGV[2]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
"""


def _millis(ttl: float) -> int:
    """Redis counts expiry in whole milliseconds; never round a positive ttl down to 0."""
    return max(1, round(ttl * 1000))


class RedisState:
    """``StateBackend`` over Redis; safe across processes and hosts."""

    def __init__(self, url: str, *, prefix: str = "omniroute:", max_connections: int = 64) -> None:
        self._prefix = prefix
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections)
        self._client: aioredis.Redis = aioredis.Redis.from_pool(pool)
        self._incr: Any = self._client.register_script(_INCR)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisState:
        """The loader's constructor: ``OMNIROUTE_REDIS_URL`` is required."""
        if not settings.redis_url:
            raise StartupError(
                ["state backend 'redis' needs OMNIROUTE_REDIS_URL (e.g. redis://localhost:6379/0)"]
            )
        return cls(settings.redis_url, prefix=settings.redis_prefix)

    async def get(self, key: str) -> bytes | None:
        # the client is built without decode_responses: Redis answers bytes
        return cast("bytes | None", await self._client.get(self._prefix + key))

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await self._client.set(
            self._prefix + key, value, px=_millis(ttl) if ttl is not None else None
        )

    async def delete(self, key: str) -> None:
        await self._client.delete(self._prefix + key)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        millis = _millis(ttl) if ttl is not None else 0
        return int(await self._incr(keys=[self._prefix + key], args=[amount, millis]))

    async def ttl(self, key: str) -> float | None:
        millis = int(await self._client.pttl(self._prefix + key))
        return millis / 1000 if millis >= 0 else None

    async def close(self) -> None:
        await self._client.aclose()
