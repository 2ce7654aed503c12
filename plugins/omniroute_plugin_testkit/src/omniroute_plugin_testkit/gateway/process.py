"""The real ``omniroute serve`` command in a subprocess, for end-to-end tests.

Only a separate process proves what users run: the console script, the CLI's option
parsing, entry-point discovery from installed metadata, environment variables, the config
file and uvicorn with its production loop and HTTP parser. Output goes to a log file (never a
pipe that could fill up and block the server); a start failure raises with that log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

from ..ports import LOCALHOST, free_port

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def omniroute_command() -> list[str]:
    """The installed ``omniroute`` console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("omniroute")
    found = str(script) if script.exists() else shutil.which("omniroute")
    if found is None:
        raise FileNotFoundError("the 'omniroute' command is not installed in this environment")
    return [found]


class GatewayProcess:
    """``with GatewayProcess(data_dir, config_file) as gw:`` then HTTP to ``gw.base_url``.

    The process gets ``OMNIROUTE_DATA_DIR=data_dir`` and ``OMNIROUTE_PLUGINS_STRICT=1`` on
    top of the current environment, then ``env``; ``args`` are appended to the command line.
    """

    def __init__(
        self,
        data_dir: Path,
        config_file: Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = data_dir
        self.config_file = config_file
        self.env = dict(env or {})
        self.args = args
        self.port = 0
        self.log_path = data_dir / "omniroute-serve.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL clients and SDKs use (``…/v1``)."""
        return f"{self.url}/v1"

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def output(self) -> str:
        """Everything the process wrote so far (banner, logs, errors)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> GatewayProcess:
        """Launch and wait until ``GET /api/health`` answers 200."""
        if self._process is not None:
            raise RuntimeError("the gateway process is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        command = [*omniroute_command(), "serve", "--host", LOCALHOST, "--port", str(self.port)]
        if self.config_file is not None:
            command += ["--config", str(self.config_file)]
        command += self.args
        env = {
            **os.environ,
            "OMNIROUTE_DATA_DIR": str(self.data_dir),
            "OMNIROUTE_PLUGINS_STRICT": "1",
            **self.env,
        }
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.returncode is not None:
                code = self.returncode
                self._process = None
                raise RuntimeError(f"omniroute serve exited with {code}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(
            f"omniroute serve was not healthy in {START_TIMEOUT} s:\n{self.output()}"
        )

    def stop(self) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL if it does not exit in time."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
