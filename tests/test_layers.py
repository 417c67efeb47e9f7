"""The package's folders are its layers, and every import runs downward.

core → files → read → rules → evaluation → workbook → front ends (cli, excel). A module may
import its own folder and the folders below it, never one above, and no two modules may
import each other round a circle: imports written inside functions count too, since hiding
an import there does not change what depends on what."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "xltools"

# The order of the layers; the front ends share the top floor.
RANKS = {"core": 0, "files": 1, "read": 2, "rules": 3, "evaluation": 4, "workbook": 5, "cli": 6, "excel": 6}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = PACKAGE.parent / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """Every xltools module `path` imports, wherever in the file the import stands."""
    own = _module(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = own.split(".") if path.name == "__init__.py" else own.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "xltools":
                continue
            # `from package import module` depends on the module, not on the package's own names
            modules = {f"{name}.{a.name}" for a in node.names if _is_module(f"{name}.{a.name}")}
            found.update(modules if len(modules) == len(node.names) else modules | {name})
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "xltools")
    return {name for name in found if name != "xltools"}  # the package root holds the version only


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> str:
    return module.split(".")[1]


def test_every_module_sits_in_a_layer() -> None:
    loose = [m for m in _graph() if m != "xltools" and _layer(m) not in RANKS]
    assert loose == []


def _upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in graph.items() if module != "xltools"
        for target in targets
        if _layer(target) != _layer(module) and RANKS[_layer(target)] >= RANKS[_layer(module)]
        and not (_layer(module) == "excel" and _layer(target) == "cli")  # the add-in reuses doctor
    )


def test_imports_run_downward() -> None:
    assert _upward(_graph()) == []


def test_no_import_circles() -> None:
    graph = _graph()
    # Tarjan's strongly connected components; a component of two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):  # an imported package's __init__ is a node like any module
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for v in graph:
        if v not in index:
            visit(v)
    assert circles == []


def test_an_upward_import_is_caught() -> None:
    """The check itself: a rule importing the workbook is reported."""
    graph = {"xltools.rules.x": {"xltools.workbook.book", "xltools.core.model"}}
    assert _upward(graph) == ["xltools.rules.x -> xltools.workbook.book"]
