"""Starts a real ranvier process for end-to-end tests and stops it again.

The server is the Debug build test.sh makes, or $E2E_RANVIER_SERVER: a ranvier.dll (run with dotnet) or the native
executable of a NativeAOT publish (scripts/publish-aot.sh). Each instance gets a fresh data
directory, an ephemeral port and no inherited RANVIER_* settings, so tests never share state.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DLL = REPO_ROOT / "src/Ranvier.Server/bin/Debug/net10.0/ranvier.dll"

# The start-up line the host logs once Kestrel is listening (Hosting/RanvierHost.cs, event 1).
SERVING_LINE = re.compile(r"Ranvier is serving (\S+) on (http://127\.0\.0\.1:\d+)[;,]")

# How long a start or a stop may take on a slow, shared machine before the test fails.
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


class RanvierProcess:
    """A running ranvier: its client-server base URL, server name, and log so far."""

    def __init__(self, extra_env=None):
        server = Path(os.environ.get("E2E_RANVIER_SERVER", DEFAULT_DLL))
        if not server.exists():
            raise FileNotFoundError(f"{server} does not exist; build it first (./test.sh or dotnet build src/Ranvier.Server)")
        command = ["dotnet", str(server)] if server.suffix == ".dll" else [str(server)]
        self.data_dir = tempfile.mkdtemp(prefix="ranvier-e2e-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("RANVIER_")}
        env.update(
            DOTNET_CLI_TELEMETRY_OPTOUT="1",
            DOTNET_NOLOGO="1",
            RANVIER_DATA_DIRECTORY=self.data_dir,
            RANVIER_LISTEN__PORT="0",
        )
        env.update(extra_env or {})
        self.log = []
        self.base_url = ""
        self.server_name = ""
        self._lines = queue.Queue()
        self._process = subprocess.Popen(
            command,
            cwd=self.data_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # A reader thread keeps the pipe drained for the whole life of the process.
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_until_serving()
        except BaseException:
            self._process.kill()
            self._process.wait()
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise

    def _read(self):
        for line in self._process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)  # end of output: the process is exiting

    def _wait_until_serving(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise TimeoutError(f"ranvier did not report its address within {START_TIMEOUT_S} s:\n{self.log_text()}")
            if line is None:
                code = self._process.wait()
                raise RuntimeError(f"ranvier exited with code {code} before serving:\n{self.log_text()}")
            self.log.append(line)
            match = SERVING_LINE.search(line)
            if match:
                self.server_name, self.base_url = match.groups()
                return

    def log_text(self):
        return "\n".join(self.log)

    def stop(self):
        """Sends SIGTERM, waits for the exit, removes the data directory; raises unless the exit code is 0."""
        try:
            self._process.send_signal(signal.SIGTERM)
            try:
                code = self._process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                raise TimeoutError(f"ranvier did not stop within {STOP_TIMEOUT_S} s")
            if code != 0:
                raise AssertionError(f"ranvier exited with code {code} after SIGTERM:\n{self.log_text()}")
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)


class RanvierTestCase(unittest.IsolatedAsyncioTestCase):
    """One ranvier process per test class (server_env adds settings); tests reach it as self.server."""

    server_env = {}
    server: RanvierProcess

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RanvierProcess(cls.server_env)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        super().tearDownClass()

    def nio_client(self, user="", access_token=None):
        """A nio AsyncClient for this server, closed when the test ends."""
        from nio import AsyncClient

        client = AsyncClient(self.server.base_url, user)
        if access_token is not None:
            client.access_token = access_token
        self.addAsyncCleanup(client.close)
        return client

    async def registered_client(self, prefix):
        """Registers a fresh account (open registration) and returns a client acting as it; its localpart is kept on it."""
        from nio.responses import RegisterResponse

        localpart = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        registered = await self.nio_client().register(localpart, "correct horse battery staple", "e2e")
        self.assertIsInstance(registered, RegisterResponse, str(registered))
        client = self.nio_client(user=registered.user_id, access_token=registered.access_token)
        client.user_id = registered.user_id
        client.device_id = registered.device_id
        client.localpart = localpart
        return client
