"""Helpers for tests that run real processes (the MLLP listener, the worker) against a real
database: the subprocesses must see the same database as the test.

On SQLite (whose test database lives in memory) a fresh database file is migrated for the
subprocesses; on PostgreSQL and MariaDB the subprocesses use the test database itself, so the
test must use pytest-django's ``transactional_db`` (data committed, flushed afterwards).
"""

import os
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveDatabase:
    url: str
    sqlite_path: Path | None

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.url, "HEALTHLOOP_TESTING": "1", **extra}
        env.pop("HUEY_IMMEDIATE", None)
        return env

    def manage(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            check=True,
            capture_output=True,
            text=True,
        )

    def scalar(self, sql: str) -> int:
        """One integer from the live database (the same one the subprocesses use)."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=30) as db:
                return int(db.execute(sql).fetchone()[0])
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return int(cursor.fetchone()[0])

    def popen(self, *args: str, **extra_env: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )


def live_database(tmp_path: Path) -> LiveDatabase:
    """A database that subprocesses can share with the test (see the module docstring)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        live = LiveDatabase(f"sqlite:///{path}", path)
        live.manage("migrate", "--noinput", "-v0")
    else:
        s = connection.settings_dict
        scheme = "postgres" if connection.vendor == "postgresql" else "mysql"
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        live = LiveDatabase(f"{scheme}://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}", None)
    live.manage("load_catalog")
    return live
