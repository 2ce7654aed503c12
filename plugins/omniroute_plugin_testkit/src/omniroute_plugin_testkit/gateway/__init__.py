"""The gateway under test, three ways: in-process ASGI, uvicorn in a thread, a real process."""

from .asgi import GatewayApp
from .config import make_settings, write_config
from .process import GatewayProcess
from .server import GatewayServer

__all__ = ["GatewayApp", "GatewayProcess", "GatewayServer", "make_settings", "write_config"]
