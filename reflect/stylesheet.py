"""Reflect's one stylesheet: the part of Bootstrap our pages use, then our own CSS.

Bootstrap's CSS comes from the django-bootstrap-static package and is never copied into this
repository, so the stylesheet is built where Reflect is installed (`make content` and `make test`
run this):

    python -m reflect.stylesheet      # writes build/static/reflect/site.css

A Bootstrap rule is kept when every class its selector names appears in something that puts
classes on our pages: our templates, the crispy-forms templates our forms render through, our
JavaScript (classes added by script) and our Python (a widget's attrs). Rules for elements, with
no class, are kept. A custom property (`--bs-...`) is kept only when a kept rule or our own CSS
reads it, directly or through another kept property, and an animation only when a kept rule
runs it. Then static/reflect/reflect.css follows, whole. It is all written without comments or
spare whitespace: a browser reads it the same.
"""

import ast
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import tinycss2
from tinycss2.ast import (
    AtRule,
    Declaration,
    FunctionBlock,
    IdentToken,
    LiteralToken,
    ParenthesesBlock,
    QualifiedRule,
    SquareBracketsBlock,
)

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "static" / "reflect" / "reflect.css"
BUILT = ROOT / "build" / "static" / "reflect" / "site.css"
BOOTSTRAP = files("bootstrap") / "static" / "bootstrap" / "css" / "bootstrap.min.css"
CRISPY_TEMPLATES = files("crispy_bootstrap5") / "templates"
# `|crispy` renders a form through uni_form.html, `|as_crispy_field` a field through field.html.
CRISPY_ENTRY_POINTS = ["bootstrap5/uni_form.html", "bootstrap5/field.html"]
WORD = re.compile(r"-?[A-Za-z_][\w-]*")


@dataclass
class Rule:
    selectors: list[list]  # each selector as tinycss2 tokens
    declarations: list[Declaration]


@dataclass
class Block:
    """@media, @supports or @keyframes, with the rules inside it."""

    keyword: str
    prelude: str
    rules: list


@dataclass
class Verbatim:
    """Any other at-rule (@page, say), kept as it is."""

    text: str


BLOCKS = {"media", "supports", "keyframes"}


def read(css: str) -> list[Rule | Block | Verbatim]:
    return _nodes(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _nodes(parsed) -> list:
    nodes: list[Rule | Block | Verbatim] = []
    for node in parsed:
        if isinstance(node, QualifiedRule):
            body = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
            nodes.append(Rule(_split_at_commas(node.prelude), [d for d in body if isinstance(d, Declaration)]))
        elif isinstance(node, AtRule) and node.lower_at_keyword in BLOCKS and node.content is not None:
            inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            nodes.append(Block(node.lower_at_keyword, _compact(node.prelude, beside=",:"), _nodes(inner)))
        elif isinstance(node, AtRule) and node.lower_at_keyword != "charset":  # we write our own @charset
            nodes.append(Verbatim(node.serialize()))
    return nodes


def _split_at_commas(tokens) -> list[list]:
    parts: list[list] = [[]]
    for token in tokens:
        if isinstance(token, LiteralToken) and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


def classes_in_use() -> set[str]:
    """Every class our pages may carry, and then some. Templates and scripts are read word by word,
    which takes in a few words that are only words (erring on keeping a rule) and never misses a
    class put together from pieces or passed to a template tag (crispy's fields get theirs so).
    Python is read for what it puts on a page: a widget's attrs ({"class": ...}) and HTML it writes."""
    text = [path.read_text(encoding="utf-8") for path in (ROOT / "templates").rglob("*.*")]
    text += [path.read_text(encoding="utf-8") for path in (ROOT / "static").rglob("*.js")]
    text += crispy_templates_rendered()
    text += [value for path in (ROOT / "reflect").rglob("*.py") for value in _classes_written_by(path)]
    return {word for part in text for word in WORD.findall(part)}


def crispy_templates_rendered() -> list[str]:
    """The crispy-forms templates our forms render through: the entry points and what they include."""
    waiting, seen, texts = list(CRISPY_ENTRY_POINTS), set(), []
    while waiting:
        name = waiting.pop()
        if name not in seen:
            seen.add(name)
            texts.append((CRISPY_TEMPLATES / name).read_text(encoding="utf-8"))
            waiting += re.findall(r"""\{% include ["']([^"']+)["']""", texts[-1])
    return texts


def _classes_written_by(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            found += [
                value.value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "class" and isinstance(value, ast.Constant)
            ]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += re.findall(r'class="([^"]*)"', node.value)
    return [value for value in found if isinstance(value, str)]


def names_needed(selector) -> set[str]:
    """The classes a selector needs on the page, and the data- attributes it looks for (Bootstrap's
    dark theme is `[data-bs-theme=dark]`; ours follows the device instead). A class inside :not()
    is not needed: `.btn:not(.disabled)` matches any .btn."""
    names = set()
    for before, token in zip([None, *selector], selector, strict=False):
        if isinstance(token, IdentToken) and isinstance(before, LiteralToken) and before.value == ".":
            names.add(token.value)
        elif isinstance(token, SquareBracketsBlock):
            attribute = next((part.value for part in token.content if isinstance(part, IdentToken)), "")
            names.update([attribute] if attribute.startswith("data-") else [])
        elif isinstance(token, FunctionBlock) and token.lower_name != "not":
            names |= names_needed(token.arguments)
    return names


def used_rules(nodes: list, in_use: set[str]) -> list:
    """The rules with only the selectors whose classes are in use; rules and blocks left empty go."""
    kept = []
    for node in nodes:
        if isinstance(node, Rule):
            selectors = [selector for selector in node.selectors if names_needed(selector) <= in_use]
            if selectors:
                kept.append(Rule(selectors, node.declarations))
        elif isinstance(node, Verbatim) or node.keyword == "keyframes":
            kept.append(node)
        elif inner := used_rules(node.rules, in_use):
            kept.append(Block(node.keyword, node.prelude, inner))
    return kept


def variables_read(tokens) -> set[str]:
    """The custom properties that var() reads anywhere in these tokens, fallbacks included."""
    found = set()
    for token in tokens:
        if isinstance(token, FunctionBlock):
            if token.lower_name == "var":
                found.update(part.value for part in token.arguments[:1] if isinstance(part, IdentToken))
            found |= variables_read(token.arguments)
    return found


def declarations_in(nodes: list) -> list[Declaration]:
    found = []
    for node in nodes:
        if isinstance(node, Rule):
            found += node.declarations
        elif isinstance(node, Block):
            found += declarations_in(node.rules)
    return found


def without_unused_variables(bootstrap: list, ours: list) -> list:
    """Drops each custom property that nothing kept reads, following var() from property to property,
    and each animation that no kept rule runs."""
    defined: dict[str, set[str]] = {}
    read = variables_read(token for declaration in declarations_in(ours) for token in declaration.value)
    for declaration in declarations_in(bootstrap):
        if declaration.name.startswith("--"):
            defined.setdefault(declaration.name, set()).update(variables_read(declaration.value))
        else:
            read |= variables_read(declaration.value)
    waiting = list(read)
    while waiting:
        for name in defined.get(waiting.pop(), set()) - read:
            read.add(name)
            waiting.append(name)
    animations = {
        token.value
        for declaration in declarations_in(bootstrap) + declarations_in(ours)
        if declaration.lower_name.startswith("animation")
        for token in declaration.value
        if isinstance(token, IdentToken)
    }
    return _pruned(bootstrap, read, animations)


def _pruned(nodes: list, variables: set[str], animations: set[str]) -> list:
    kept = []
    for node in nodes:
        if isinstance(node, Rule):
            declarations = [d for d in node.declarations if not d.name.startswith("--") or d.name in variables]
            if declarations:
                kept.append(Rule(node.selectors, declarations))
        elif isinstance(node, Verbatim) or (node.keyword == "keyframes" and node.prelude in animations):
            kept.append(node)
        elif node.keyword != "keyframes" and (inner := _pruned(node.rules, variables, animations)):
            kept.append(Block(node.keyword, node.prelude, inner))
    return kept


def written(nodes: list) -> str:
    text = ""
    for node in nodes:
        if isinstance(node, Rule):
            selectors = ",".join(_compact(selector, beside=",>+~") for selector in node.selectors)
            text += selectors + "{" + ";".join(_declaration(d) for d in node.declarations) + "}"
        elif isinstance(node, Verbatim):
            text += node.text
        else:
            text += f"@{node.keyword} {node.prelude}{{{written(node.rules)}}}"
    return text


def _declaration(declaration: Declaration) -> str:
    return f"{declaration.name}:{_compact(declaration.value)}" + ("!important" if declaration.important else "")


def _compact(tokens, beside: str = ",") -> str:
    """Tokens as text with whitespace as one space, and none at either end or beside a comma (or the
    other characters in `beside`). Strings and urls are left as they are."""
    pieces = []
    for token in tokens:
        if token.type == "whitespace":
            pieces.append(" ")
        elif isinstance(token, FunctionBlock):
            pieces.append(f"{token.name}({_compact(token.arguments, beside)})")
        elif isinstance(token, ParenthesesBlock):
            pieces.append(f"({_compact(token.content, beside)})")
        elif token.type != "comment":
            pieces.append(token.serialize())
    tight = set(beside)
    for index, piece in enumerate(pieces):
        if piece == " " and (index in (0, len(pieces) - 1) or {pieces[index - 1], pieces[index + 1]} & tight):
            pieces[index] = ""
    return "".join(pieces)


def build() -> str:
    """Bootstrap's part, with its licence note, on the first line; our own CSS on the second."""
    bootstrap_css = BOOTSTRAP.read_text(encoding="utf-8")
    licence = re.search(r"/\*!.*?\*/", bootstrap_css, re.DOTALL).group(0)
    ours = read(OURS.read_text(encoding="utf-8"))
    bootstrap = without_unused_variables(used_rules(read(bootstrap_css), classes_in_use()), ours)
    return '@charset "UTF-8";' + " ".join(licence.split()) + written(bootstrap) + "\n" + written(ours) + "\n"


def main() -> None:
    BUILT.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all, for a server reading it meanwhile, and for test processes building at once.
    temporary = BUILT.with_name(f".{BUILT.name}.{os.getpid()}")
    temporary.write_text(build(), encoding="utf-8")
    temporary.replace(BUILT)


if __name__ == "__main__":
    main()
