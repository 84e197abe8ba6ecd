"""The servers the HTTP benchmark measures: gunicorn on 127.0.0.1, as `make run` serves.

The app and the bare view get the same gunicorn settings: reflect/gunicorn_conf.py of the tree
being measured, or, in a tree without it, the 2 sync workers `make run` used to start.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import http_client

HARNESS = Path(__file__).resolve().parent
BARE_PROJECT = HARNESS / "bare"
# The venv that runs this harness runs every server too; the tree measured only changes the code.
GUNICORN = Path(sys.executable).parent / "gunicorn"
PYTHON = Path(sys.executable)


def gunicorn_settings(app_dir: Path) -> list[str]:
    if (app_dir / "reflect" / "gunicorn_conf.py").exists():
        return ["--config", "python:reflect.gunicorn_conf"]
    return ["--workers", "2"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_env(app_dir: Path, data_dir: Path | None, static_root: Path | None) -> dict[str, str]:
    """This environment without anything that would change what is served (a DATABASE_URL set for
    the tests, a profile), plus the tree measured on the path and the throwaway data folder."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REFLECT_") and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    env["PYTHONPATH"] = str(app_dir)
    env["PYTHONUNBUFFERED"] = "1"
    if data_dir:
        env["REFLECT_DATA_DIR"] = str(data_dir)
    if static_root:
        env["REFLECT_STATIC_ROOT"] = str(static_root)
    return env


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    data_dir: Path | None = None
    seen_workers: set[int] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        """The gunicorn master's children: its worker processes."""
        found = children(self.process.pid)
        self.seen_workers.update(found)
        return found

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.workers()
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing here to finish
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # A worker that outlived its master (killed above) is ours to end too, by its own id.
        for pid in self.seen_workers:
            if parent_of(pid) in (self.process.pid, 1):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def start(name: str, app_dir: Path, settings: list[str], work_dir: Path, data_dir=None, static_root=None) -> "Server":
    """Starts the app (data_dir given) or the bare view, and waits until it answers."""
    port = free_port()
    log = work_dir / f"{name}.log"
    env = served_env(app_dir, data_dir, static_root)
    if data_dir:
        cwd, application = app_dir, "reflect.wsgi"
    else:
        cwd, application = BARE_PROJECT, "wsgi:application"
        env["DJANGO_SETTINGS_MODULE"] = "settings"
    command = [str(GUNICORN), *settings, "--bind", f"127.0.0.1:{port}", application]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log, data_dir)
    try:
        wait_until_answering(server)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_answering(server: Server, path: str = "/", within: float = 60) -> None:
    deadline = time.monotonic() + within
    probe = "/bytes/100/" if server.data_dir is None else path
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} stopped while starting:\n{server.log_tail()}")
        try:
            if http_client.fetch(server.port, probe, timeout=5).status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {within:.0f} s:\n{server.log_tail()}")


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name, in brackets, may itself hold spaces: the fields after its last bracket.
    return int(stat.rsplit(")", 1)[1].split()[1])


def children(parent: int) -> list[int]:
    """Read from the parent's own list where the kernel keeps one (cheap enough to sample often),
    else found by reading every process's parent."""
    lists = list(Path(f"/proc/{parent}/task").glob("*/children"))
    if lists:
        pids = set()
        for listed in lists:
            try:
                pids.update(int(pid) for pid in listed.read_text().split())
            except OSError:
                continue
        return sorted(pids)
    every = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return sorted(pid for pid in every if parent_of(pid) == parent)


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (the most it has been resident), in MiB; {} once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    memory = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            memory[name] = int(value.split()[0]) / 1024
    return memory


def largest_worker_mib(server: Server) -> float | None:
    sizes = [memory_mib(pid).get("VmRSS") for pid in server.workers()]
    sizes = [size for size in sizes if size is not None]
    return max(sizes) if sizes else None
