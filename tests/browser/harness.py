"""What every browser test module shares: Debian's Chromium settings and a real `streamlit run app.py`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
COLD_START_MS = 20_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(data_dir: Path, log: Path) -> Iterator[str]:
    """`streamlit run app.py` in demo mode (FRONT_DEMO=1, as `make run`: `data_dir` must hold a synthetic
    warehouse) on a free port with `data_dir` as FRONT_DATA_DIR; always terminated."""
    port = free_port()
    env = {**os.environ, "FRONT_DATA_DIR": str(data_dir), "FRONT_PII_KEY": "test-pii-key", "FRONT_DEMO": "1"}
    env.pop("FRONT_ROLES_FILE", None)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", proc, log, lambda body: body.strip() == b"ok")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(proc)


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, ok=lambda body: True) -> None:
    """Poll `url` until `ok(body)`; fail with the process log when it dies or 60 s pass."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if ok(r.read()):
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up:\n{log.read_text()}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server process, killing it when it does not stop within 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
