"""How gunicorn serves Reflect, in one place: `make run`, `make practice` and the benchmarks all
start it as `gunicorn -c python:reflect.gunicorn_conf reflect.wsgi --bind HOST:PORT`.

Threaded workers, because of Argon2. Checking a passphrase takes about half a second of one core.
With one request per process (gunicorn's sync workers), two wrong passphrases at once took both
processes and every other page waited behind them. Now a check holds one thread, Argon2 runs in C
without holding Python's lock, and the process's other threads, and the other process, go on
serving pages. How many checks run at once on the machine is bounded apart from this
(REFLECT_ARGON2_AT_ONCE, reflect/vault/derivations.py), and a check that finds no room is answered
at once, so threads never queue up behind Argon2.

REFLECT_WORKERS and REFLECT_THREADS change the numbers; options on the command line still win.
Django gives each thread its own database connection, and SQLite copes with the threads as it
does with the processes (WAL, and IMMEDIATE transactions: see DATABASES in settings.py).
"""

import os


def whole_number(name: str, default: int) -> int:
    """A variable that must be a whole number of at least 1: unset or blank is `default`, anything
    else stops gunicorn with a message naming it, as Reflect's settings do."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number, at least 1 (it is {value!r})")
    return int(value)


wsgi_app = "reflect.wsgi:application"
worker_class = "gthread"
# Two processes, so a crash or a slow request in one never stops the site; a few threads each,
# enough to keep pages coming while one thread waits on Argon2, the database or a slow client.
workers = whole_number("REFLECT_WORKERS", 2)
threads = whole_number("REFLECT_THREADS", 4)
# Connections a browser keeps open between requests: idle ones cost a thread nothing in gthread.
keepalive = 5
# A threaded worker reports it is alive between requests, so `timeout` restarts only a process
# that is truly stuck; a long export streams on without it.
timeout = 30
graceful_timeout = 30
# No access log: paths such as /practice/join/<code> must not be written down (README, Practice).
accesslog = None
errorlog = "-"
# The control socket (gunicornc) would be one path in the home folder for every gunicorn the user
# runs, so a benchmark's two servers would fight over it; Reflect has no use for it.
control_socket_disable = True
# The workers' heartbeat files in memory rather than on disk, where a slow disk could stall them.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
