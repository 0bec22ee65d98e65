"""Features depend downward: no import cycle between the parts of `tracker`.

A part is a top-level module (`tracker.policy`) or a feature package
(`tracker.actions`). A feature's domain modules (`models`, `status`, `rules`, `rag`,
`definitions`, `vocabulary`: data and pure rules) form a part of their own, so core
modules such as `policy` may read the domain without depending on the feature's
services, views or queries. Imports inside `if TYPE_CHECKING:` are left out; imports inside
functions count, since hiding an import in a function does not remove the dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import tracker

PACKAGE_ROOT = Path(tracker.__file__).parent
DOMAIN_MODULES = {"models", "status", "rules", "rag", "vocabulary", "definitions"}


def part_of(module: str, root: Path = PACKAGE_ROOT) -> str | None:
    """The part a dotted module name belongs to, or None outside `tracker`."""
    names = module.split(".")
    if names[0] != "tracker" or len(names) < 2:
        return None
    if len(names) > 2 and names[2] in DOMAIN_MODULES and (root / names[1]).is_dir():
        return f"{names[1]}.domain"
    return names[1]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(child) for child in ast.walk(node))
    return hidden


def _module_name(path: Path, root: Path) -> str:
    names = list(path.relative_to(root.parent).with_suffix("").parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        # `from tracker.audit import chain` depends on the module, not on the package.
        return [f"{base}.{alias.name}" for alias in node.names] or [base]
    return []


def import_graph(root: Path = PACKAGE_ROOT) -> dict[str, dict[str, list[str]]]:
    """part -> {imported part -> ['module -> imported name', ...]}."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        source = part_of(module, root)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hidden = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in hidden:
                continue
            for target in _imported(node, module, path.name == "__init__.py"):
                destination = part_of(target, root)
                if destination and destination != source:
                    graph[source][destination].append(f"{module} -> {target}")
    return graph


def reachable(graph: dict[str, dict[str, list[str]]], start: str) -> set[str]:
    """Every part `start` depends on, directly or through others."""
    seen: set[str] = set()
    waiting = [start]
    while waiting:
        for other in graph.get(waiting.pop(), {}):
            if other not in seen:
                seen.add(other)
                waiting.append(other)
    return seen


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Groups of parts that depend on each other (strongly connected, more than one)."""
    reach = {part: reachable(graph, part) for part in graph}
    found: list[list[str]] = []
    for part in sorted(graph):
        mutual = {other for other in reach[part] if part in reach.get(other, set())}
        component = sorted(mutual | {part})
        if len(component) > 1 and component not in found:
            found.append(component)
    return found


def test_no_import_cycle_between_parts_of_the_package():
    graph = import_graph()
    problems = []
    for component in cycles(graph):
        edges = [
            f"  {a} -> {b}: {graph[a][b][0]}"
            for a in component
            for b in component
            if b in graph.get(a, {})
        ]
        problems.append(f"cycle between {', '.join(component)}:\n" + "\n".join(edges))
    assert not problems, "\n".join(problems)


def test_the_cycle_check_finds_a_cycle(tmp_path):
    package = tmp_path / "tracker"
    for name, text in {
        "__init__.py": "",
        "policy.py": "from tracker.alpha.services import thing\n",
        "alpha/__init__.py": "",
        "alpha/services.py": "from tracker import policy\nthing = 1\n",
        "alpha/models.py": "",
        "beta/__init__.py": "",
        "beta/views.py": "from tracker.alpha.models import X\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    assert cycles(import_graph(package)) == [["alpha", "policy"]]


@pytest.mark.parametrize(
    ("module", "part"),
    [
        ("tracker.policy", "policy"),
        ("tracker.actions.services", "actions"),
        ("tracker.actions.models", "actions.domain"),
        ("tracker.actions.models.Action", "actions.domain"),
        ("flask", None),
    ],
)
def test_parts_are_named_by_package_with_domain_modules_apart(module, part):
    assert part_of(module) == part
