"""Settings come from environment variables: a bad value stops Reflect from starting, with a message
that names the variable and what it accepts; good values are read as they always were.

Each case starts Django in a new process, the way `manage.py` or gunicorn would, because settings
are read once, when Django starts.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "PRACTICE": s.PRACTICE, "ALLOWED_HOSTS": s.ALLOWED_HOSTS, "DATA_DIR": str(s.DATA_DIR),
    "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE, "REFLECT_AUTOSAVE_SECONDS": s.REFLECT_AUTOSAVE_SECONDS,
    "REFLECT_HELPLINES_TSV": str(s.REFLECT_HELPLINES_TSV), "TIME_ZONE": s.TIME_ZONE,
    "LOG_LEVEL": s.LOGGING["root"]["level"], "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", None),
    "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", None), "REFLECT_EXIT_URL": s.REFLECT_EXIT_URL,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS, "ENGINE": s.DATABASES["default"]["ENGINE"],
}))
"""


def start_django(data_dir, **variables):
    """Runs Django's start-up in a new process with only these Reflect variables set."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("REFLECT_", "DJANGO_")) and name != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "reflect.settings",
            "REFLECT_DATA_DIR": str(data_dir),
            "REFLECT_SECRET_KEY": "a-key-only-for-these-tests-" + "s" * 40,
        }
    )
    env.update(variables)
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(result):
    """The last line of the traceback: the exception and its message."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def settings_read(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRACTICE = {"REFLECT_PROFILE": "practice", "DATABASE_URL": "postgres://reflect@127.0.0.1:5432/reflect"}


@pytest.mark.parametrize(
    "variables, named",
    [
        # bool
        ({"REFLECT_DEBUG": "maybe"}, ["REFLECT_DEBUG", "'maybe'", "1, true, yes, on", "0, false, no, off"]),
        (
            {**PRACTICE, "REFLECT_SSL_REDIRECT": "sometimes"},
            ["REFLECT_SSL_REDIRECT", "'sometimes'", "1, true, yes, on"],
        ),
        # int
        ({"REFLECT_IDLE_LOCK_MINUTES": "ten"}, ["REFLECT_IDLE_LOCK_MINUTES", "'ten'", "a whole number", "at least 1"]),
        ({"REFLECT_IDLE_LOCK_MINUTES": "0"}, ["REFLECT_IDLE_LOCK_MINUTES", "'0'", "a whole number", "at least 1"]),
        ({"REFLECT_ARGON2_MEMORY_KIB": "1.5"}, ["REFLECT_ARGON2_MEMORY_KIB", "a whole number", "at least 16"]),
        ({**PRACTICE, "REFLECT_HSTS_SECONDS": "-1"}, ["REFLECT_HSTS_SECONDS", "a whole number", "at least 0"]),
        # choice
        ({"REFLECT_PROFILE": "other"}, ["REFLECT_PROFILE", "'other'", "personal, practice"]),
        ({"REFLECT_LOG_LEVEL": "loud"}, ["REFLECT_LOG_LEVEL", "'loud'", "DEBUG, INFO, WARNING, ERROR, CRITICAL"]),
        ({"REFLECT_TIME_ZONE": "Mars/Olympus_Mons"}, ["REFLECT_TIME_ZONE", "'Mars/Olympus_Mons'", "Europe/London"]),
        # list
        (
            {"REFLECT_ALLOWED_HOSTS": "reflect example.org"},
            ["REFLECT_ALLOWED_HOSTS", "'reflect example.org'", "separated by commas", "no spaces"],
        ),
        # path
        (
            {"REFLECT_HELPLINES_TSV": "~nobody-by-this-name/helplines.tsv"},
            ["REFLECT_HELPLINES_TSV", "'~nobody-by-this-name/helplines.tsv'", "a path"],
        ),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_accepts(tmp_path, variables, named):
    message = refusal(start_django(tmp_path, **variables))
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: "), message
    for words in named:
        assert words in message, message


@pytest.mark.parametrize("missing", ["REFLECT_SECRET_KEY", "DATABASE_URL"])
def test_the_practice_profile_says_what_it_is_missing(tmp_path, missing):
    message = refusal(start_django(tmp_path, **{**PRACTICE, missing: None}))
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: "), message
    assert missing in message


def test_a_data_folder_that_is_a_file_is_refused_plainly(tmp_path):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("")
    message = refusal(start_django(not_a_folder))
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: "), message
    assert "REFLECT_DATA_DIR" in message and str(not_a_folder) in message


def test_unset_variables_give_the_personal_defaults(tmp_path):
    read = settings_read(start_django(tmp_path))
    assert read["DEBUG"] is False and read["PRACTICE"] is False
    assert read["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert read["SESSION_COOKIE_AGE"] == 15 * 60 and read["REFLECT_AUTOSAVE_SECONDS"] == 3
    assert read["REFLECT_HELPLINES_TSV"] == str(Path(settings.BASE_DIR, "fixtures", "helplines.tsv"))
    assert read["LOG_LEVEL"] == "WARNING"
    assert read["REFLECT_EXIT_URL"] == "https://www.bbc.co.uk/weather"
    assert read["ENGINE"] == "django.db.backends.sqlite3"


def test_an_empty_value_counts_as_unset(tmp_path):
    read = settings_read(
        start_django(
            tmp_path,
            REFLECT_DEBUG="",
            REFLECT_IDLE_LOCK_MINUTES=" ",
            REFLECT_ALLOWED_HOSTS="",
            REFLECT_LOG_LEVEL="",
            REFLECT_EXIT_URL="",
        )
    )
    assert read["DEBUG"] is False
    assert read["SESSION_COOKIE_AGE"] == 15 * 60
    assert read["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert read["LOG_LEVEL"] == "WARNING"
    assert read["REFLECT_EXIT_URL"] == "https://www.bbc.co.uk/weather"


def test_good_values_are_read(tmp_path):
    read = settings_read(
        start_django(
            tmp_path / "made-on-start",
            REFLECT_DEBUG=" Yes ",
            REFLECT_IDLE_LOCK_MINUTES="20",
            REFLECT_AUTOSAVE_SECONDS="5",
            REFLECT_ALLOWED_HOSTS=" a.example , b.example,",
            REFLECT_LOG_LEVEL="info",
            REFLECT_TIME_ZONE="Europe/Paris",
            REFLECT_HELPLINES_TSV=str(tmp_path / "newer.tsv"),
        )
    )
    assert read["DEBUG"] is True
    assert read["SESSION_COOKIE_AGE"] == 20 * 60 and read["REFLECT_AUTOSAVE_SECONDS"] == 5
    assert read["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert read["LOG_LEVEL"] == "INFO"
    assert read["TIME_ZONE"] == "Europe/Paris"
    assert read["REFLECT_HELPLINES_TSV"] == str(tmp_path / "newer.tsv")
    assert Path(read["DATA_DIR"]).is_dir()


def test_the_practice_profile_reads_its_own_variables(tmp_path):
    read = settings_read(
        start_django(
            tmp_path,
            **{**PRACTICE, "REFLECT_PROFILE": " Practice"},
            REFLECT_SSL_REDIRECT="off",
            REFLECT_HSTS_SECONDS="0",
            REFLECT_CSRF_TRUSTED_ORIGINS="https://reflect.example.org,https://www.reflect.example.org",
        )
    )
    assert read["PRACTICE"] is True
    assert read["ENGINE"] == "django.db.backends.postgresql"
    assert read["SECURE_SSL_REDIRECT"] is False and read["SECURE_HSTS_SECONDS"] == 0
    assert read["CSRF_TRUSTED_ORIGINS"] == ["https://reflect.example.org", "https://www.reflect.example.org"]


def test_every_environment_variable_is_read_through_a_helper():
    """Only `env_text` touches os.environ: a bare read elsewhere would let a bad value through unchecked."""
    tree = ast.parse(Path(settings.BASE_DIR, "reflect", "settings.py").read_text(encoding="utf-8"))
    readers = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                readers.setdefault(id(node), function.name)
    bare_reads = [
        f"line {node.lineno} in {readers.get(id(node), 'the module')}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in {"environ", "getenv", "environb"}
        and readers.get(id(node)) != "env_text"
    ]
    assert not bare_reads, bare_reads
