"""Local sockets for test servers.

Servers bind a socket the caller created on port 0 (the kernel picks a free port) instead of
probing for a free port and binding later, which races with parallel test runs. Only a
subprocess, which cannot inherit the socket portably, needs a port number picked in advance.
"""

from __future__ import annotations

import socket

LOCALHOST = "127.0.0.1"


def bind_socket(host: str = LOCALHOST, port: int = 0) -> socket.socket:
    """A listening-ready TCP socket bound to ``host:port`` (``0``: any free port).

    ``SO_REUSEADDR`` lets a stopped server bind its old port again at once, which is how a
    test brings a "crashed" upstream back.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def free_port(host: str = LOCALHOST) -> int:
    """A port that was free a moment ago, for servers started in another process."""
    with bind_socket(host) as sock:
        port: int = sock.getsockname()[1]
        return port
