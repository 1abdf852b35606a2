"""Run the whole product in the foreground: web server, task worker and MLLP listener.

Each part is a child process; Ctrl-C (or SIGTERM) stops them all. If one dies the others are
stopped too and the command exits non-zero, so a supervisor (systemd, `make run`) sees it.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


def _children(host: str, port: int, mllp_port: int) -> dict[str, list[str]]:
    python = sys.executable
    children = {
        "web": [
            python,
            "-m",
            "gunicorn",
            "healthloop.wsgi",
            "--bind",
            f"{host}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ],
        "worker": [python, "manage.py", "run_huey", "--quiet"],
    }
    from django.core.management import get_commands

    if "mllp_server" in get_commands():
        children["mllp"] = [
            python,
            "manage.py",
            "mllp_server",
            "--host",
            host,
            "--port",
            str(mllp_port),
        ]
    return children


class Command(BaseCommand):
    help = "Start the web server, the Huey worker and the MLLP listener together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--mllp-port", type=int, default=int(os.environ.get("MLLP_PORT", "2575"))
        )

    def handle(self, *args, **options):
        procs = {
            name: subprocess.Popen(cmd)  # noqa: S603 - our own interpreter and commands
            for name, cmd in _children(
                options["host"], options["port"], options["mllp_port"]
            ).items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"HealthLoop is running: http://{options['host']}:{options['port']}/  "
                f"(API docs /api/docs/, admin /admin/; parts: {', '.join(procs)}). Ctrl-C stops."
            )
        )
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} exited with {proc.returncode}; stopping all")
                    exit_code, stopping = 1, True
            time.sleep(0.5)
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(exit_code)
