"""Every public function in the safety, learn and prompts apps says what it takes and what it gives."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

TYPED_APPS = ["safety", "learn", "prompts"]


def public_functions(path):
    """(name, node) for each function or method whose name does not start with an underscore.

    Functions defined inside another function are its private helpers and are left out.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scopes = [(node, "") for node in tree.body]
    while scopes:
        node, owner = scopes.pop()
        if isinstance(node, ast.ClassDef):
            scopes += [(child, f"{owner}{node.name}.") for child in node.body]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield f"{owner}{node.name}", node


def missing_hints(function):
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    if positional and positional[0].arg in {"self", "cls"}:
        positional = positional[1:]
    named = positional + arguments.kwonlyargs + [arg for arg in (arguments.vararg, arguments.kwarg) if arg]
    missing = [arg.arg for arg in named if arg.annotation is None]
    if function.returns is None:
        missing.append("return")
    return missing


@pytest.mark.parametrize("app", TYPED_APPS)
def test_public_functions_have_type_hints(app):
    root = Path(settings.BASE_DIR, "reflect", app)
    sources = [path for path in root.rglob("*.py") if "migrations" not in path.parts]
    assert sources
    untyped = [
        f"{path.relative_to(root)}: {name} ({', '.join(missing)})"
        for path in sources
        for name, function in public_functions(path)
        if (missing := missing_hints(function))
    ]
    assert not untyped, "\n".join(untyped)
