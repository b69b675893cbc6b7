"""A real Oxigraph server for tests and benchmarks: `oxigraph serve` on loopback, always stopped.

The executable comes from the `oxigraph` package of the `test` extra; `find_oxigraph`
looks beside the running Python first, so a virtual environment need not be activated.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sysconfig
import time
import urllib.request
from pathlib import Path
from typing import Iterator


def find_oxigraph() -> str | None:
    """The `oxigraph` executable beside this Python, else on PATH; None when absent."""
    path = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    return shutil.which("oxigraph", path=path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_oxigraph(location: Path, *, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve the database folder `location` read-write; yields the server's base URL."""
    executable = find_oxigraph()
    if executable is None:
        raise RuntimeError("the oxigraph executable is not installed (pip install oxigraph)")
    location = Path(location)
    location.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = location.with_name(location.name + ".log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen([executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                try:
                    urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"oxigraph serve did not start: {log_path.read_text(errors='replace')}")
                    time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
