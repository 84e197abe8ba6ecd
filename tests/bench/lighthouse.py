"""Lighthouse 13 scores for the pages a first visit meets: the contents, a section, a prompt and unlock,
on a phone and on a desktop.

Run with `make lighthouse`, which installs Lighthouse from npm into build/lighthouse (so it is not
part of `make test`). The app is served as `make run` serves it (gunicorn, collected static files),
on a throwaway data folder and a free port on 127.0.0.1, with a journal set up so that unlock shows
its form. `--app PATH` serves another checkout instead (the tree before a change, say) with the
same Lighthouse. Prints one row per page and device, and under a score below 100 the audits that
cost it points.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
LIGHTHOUSE = HERE / "build" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
DEVICES = ("mobile", "desktop")
SET_UP_JOURNAL = """
from django.contrib.auth import get_user_model
from reflect.vault.models import Vault
from reflect.vault.views import PERSONAL_USERNAME
Vault.create(get_user_model().objects.create_user(PERSONAL_USERNAME), "lighthouse trial passphrase")
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(app, env):
    """Migrate, load the content, build and collect the static files, and set up a journal."""
    python = sys.executable

    def manage(*arguments):
        subprocess.run([python, "manage.py", *arguments], cwd=app, env=env, check=True, stdout=subprocess.DEVNULL)

    manage("migrate", "--noinput")
    manage("load_content")
    if (app / "reflect" / "stylesheet.py").exists():
        subprocess.run([python, "-m", "reflect.stylesheet"], cwd=app, env=env, check=True)
    manage("collectstatic", "--noinput", "--verbosity", "0")
    manage("shell", "--no-imports", "--command", SET_UP_JOURNAL)


def serve(app, env, port):
    """gunicorn as `make run` starts it (with reflect/gunicorn_conf.py where the checkout has one),
    writing to server.log in the data folder (Lighthouse asks for /robots.txt, a 404 every time)."""
    how = (
        ["-c", "python:reflect.gunicorn_conf"]
        if (app / "reflect" / "gunicorn_conf.py").exists()
        else ["--workers", "2"]
    )
    gunicorn = [Path(sys.executable).parent / "gunicorn", *how, "--log-level", "warning"]
    log = (Path(env["REFLECT_DATA_DIR"]) / "server.log").open("w")
    server = subprocess.Popen(
        [*gunicorn, "reflect.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the app did not start:\n" + (Path(env["REFLECT_DATA_DIR"]) / "server.log").read_text())


def first_link(url, pattern):
    html = urllib.request.urlopen(url, timeout=10).read().decode()
    return re.search(pattern, html).group(0)


def audit(url, device):
    """{category: score out of 100}, and the ids of the weighted audits that scored below 1."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--chrome-path=/usr/bin/chromium",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
    ]
    if device == "desktop":
        command.append("--preset=desktop")
    for _ in range(3):  # now and then chromium's trace misses the start of the page: try again
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode == 0:
            break
    else:
        raise SystemExit(f"Lighthouse failed on {url} ({device}):\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    scores, failing = {}, []
    for name in CATEGORIES:
        category = report["categories"][name]
        scores[name] = round(category["score"] * 100) if category["score"] is not None else None
        for ref in category["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] > 0 and result["score"] is not None and result["score"] < 1:
                failing.append(f"{ref['id']} ({result['score']:.2f})")
    return scores, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=HERE, help="the checkout to serve (default: this one)")
    app = parser.parse_args().app.resolve()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is not installed: npm install --prefix {LIGHTHOUSE.parents[2]} lighthouse@13")
    with tempfile.TemporaryDirectory(prefix="reflect-lighthouse-") as data:
        env = {**os.environ, "REFLECT_DATA_DIR": data, "REFLECT_STATIC_ROOT": str(Path(data) / "static")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        prepare(app, env)
        port = free_port()
        server = serve(app, env, port)
        try:
            site = f"http://127.0.0.1:{port}"
            section = first_link(site + "/", r"/learn/[\w-]+/")
            pages = {
                "contents": "/",
                "section": section,
                "prompt": first_link(site + section, r"/reflect/prompts/[\w-]+/"),
                "unlock": "/journal/unlock/",
            }
            print(f"Lighthouse 13, {app}")
            print(f"{'page':44} {'device':8} " + " ".join(f"{name[:13]:>13}" for name in CATEGORIES))
            for name, path in pages.items():
                for device in DEVICES:
                    scores, failing = audit(site + path, device)
                    print(f"{name + ' ' + path:44} {device:8} " + " ".join(f"{scores[c]!s:>13}" for c in CATEGORIES))
                    if failing:
                        print(f"{'':53} below 100: {', '.join(failing)}")
        finally:
            os.killpg(server.pid, 15)
            server.wait()


if __name__ == "__main__":
    main()
