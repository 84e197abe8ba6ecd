"""gunicorn's settings live in one module, reflect/gunicorn_conf.py: `make run`, `make practice` and the
benchmarks all load it, so pages are served the same way everywhere."""

import importlib
import types
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.config import Config

import reflect.gunicorn_conf


@pytest.fixture
def load(monkeypatch):
    """The module as gunicorn reads it, with these variables set; read again as it was afterwards."""
    for name in ("REFLECT_WORKERS", "REFLECT_THREADS"):
        monkeypatch.delenv(name, raising=False)

    def load(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(reflect.gunicorn_conf)

    yield load
    monkeypatch.undo()
    importlib.reload(reflect.gunicorn_conf)


def gunicorn_settings(module):
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, (types.ModuleType, types.FunctionType, type))
    }


def test_threaded_workers_by_default(load):
    conf = load()
    assert conf.worker_class == "gthread"
    assert conf.workers == 2
    assert conf.threads >= 2
    assert conf.accesslog is None, "no access log: paths such as /practice/join/<code> must not be written down"


def test_gunicorn_accepts_every_setting_in_it(load):
    config = Config()
    for name, value in gunicorn_settings(load()).items():
        config.set(name, value)  # an unknown name or a value gunicorn can't read raises here
    assert config.worker_class_str == "gthread"
    assert config.control_socket_disable


def test_workers_and_threads_come_from_the_environment(load):
    conf = load(REFLECT_WORKERS="3", REFLECT_THREADS="8")
    assert (conf.workers, conf.threads) == (3, 8)


@pytest.mark.parametrize("value", ["two", "0", "1.5"])
def test_a_value_it_cannot_read_stops_gunicorn_with_a_message(load, value):
    with pytest.raises(ValueError, match=f"REFLECT_THREADS must be a whole number, at least 1 \\(it is '{value}'\\)"):
        load(REFLECT_THREADS=value)


def test_make_run_and_make_practice_serve_with_it():
    makefile = Path(settings.BASE_DIR, "Makefile").read_text()
    serving = [line for line in makefile.splitlines() if "bin/gunicorn" in line]
    assert len(serving) >= 2
    assert all("-c python:reflect.gunicorn_conf reflect.wsgi" in line for line in serving), serving
