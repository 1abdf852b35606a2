"""A real HealthLoop web server for browser tests and benchmarks.

Builds a throw-away SQLite database under a temporary directory (migrate, load_catalog, the
e2e population of ``e2e/seed.py``) and runs gunicorn on a free port with DEBUG off, as in
production: the built clients come from ``frontend/dist`` through ``healthloop.web``.
"""

import base64
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"


def dist_is_built() -> bool:
    return (DIST / "index.html").is_file() and (DIST / "h5" / "index.html").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(var_dir: Path) -> dict[str, str]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    index = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "healthloop.settings",
        "HEALTHLOOP_VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "HUEY_IMMEDIATE": "1",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_KEYS": f"k1:{key},index:{index}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("HEALTHLOOP_TESTING", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and commands
        [sys.executable, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


FOLLOWUP_DRAIN = (
    "from healthloop.followup.drain import drain_register_events; drain_register_events()"
)

# A worker's first request imports every app's URLconf; on a busy CI machine that takes a while.
STARTUP_TIMEOUT_S = float(os.environ.get("E2E_SERVER_TIMEOUT", "120"))


def _wait_until_up(
    url: str, process: subprocess.Popen, timeout_s: float = STARTUP_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer on {url} within {timeout_s} s")


@contextmanager
def running_server(var_dir: Path, demo_persons: int = 0) -> Iterator[str]:
    """Prepare the database under ``var_dir`` and yield the base URL of a running server.
    ``demo_persons`` > 0 adds the demo population of ``make run`` (``seed_demo``) beside the
    e2e persons and log-ins, for measurements on a realistic database."""
    env = _environment(var_dir)
    _run(["manage.py", "migrate", "--noinput", "-v0"], env)
    _run(["manage.py", "load_catalog"], env)
    _run(["manage.py", "load_rules"], env)  # screening: findings, risk levels, registers
    _run(["manage.py", "load_followup_templates"], env)  # follow-up plans for the registers
    _run(["-m", "e2e.seed"], env)
    if demo_persons:
        _run(["manage.py", "seed_demo", "--append", "--persons", str(demo_persons)], env)
    # What the hourly follow-up job does in production: plans and tasks for the register entries.
    _run(["manage.py", "shell", "-c", FOLLOWUP_DRAIN], env)
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "gunicorn", "healthloop.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
