"""The house rules of the code's layout: imports between apps point one way, modules stay small."""

import ast
from pathlib import Path

from django.conf import settings

APPS = ["learn", "prompts", "safety", "vault", "journal", "programmes", "practice"]
# Each app may import these apps and no others (README, "Where things live").
ALLOWED = {
    "learn": set(),
    "vault": set(),
    "prompts": {"learn"},
    "safety": {"vault"},
    "journal": {"prompts", "safety", "vault"},
    "programmes": {"journal", "learn", "prompts", "vault"},
    "practice": {"journal", "programmes", "prompts", "safety", "vault"},
}
LONGEST_MODULE = 400
ROOT = Path(settings.BASE_DIR, "reflect")
TESTS = Path(settings.BASE_DIR, "tests")


def code_files(app):
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def apps_imported(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        imported |= {name.split(".")[1] for name in names if name.startswith("reflect.") and name.split(".")[1] in APPS}
    return imported


def test_imports_between_apps_point_one_way():
    wrong = [
        f"{path.relative_to(ROOT)} imports reflect.{other}"
        for app in APPS
        for path in code_files(app)
        for other in apps_imported(path) - ALLOWED[app] - {app}
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_grows_past_400_lines():
    """The app's code and its tests alike: a test module past 400 lines is asking to be split too."""
    long = [
        f"{path.relative_to(settings.BASE_DIR)}: {lines}"
        for path in [*ROOT.rglob("*.py"), *TESTS.rglob("*.py")]
        if "migrations" not in path.parts
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert not long, "\n".join(long)
