"""The house rules of issue 18 that the code itself can show (docs/architecture.md): the
server imports nothing from the packages above it (`schedules`, `denkna_demo`), ships no fake
platforms, and its subpackages do not import each other in a loop. The abuse package's own
rules (modules under 400 lines, no Dutch word lists in code) are in
tests/classifiers/abuse/test_structure.py."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
ABOVE_THE_SERVER = ("schedules", "denkna_demo")
# subpackage loops that were there when this test was written (issue 18 asks for none); a new
# loop fails the test, and so does one of these once it is gone, so the list only shrinks
KNOWN_LOOPS: set[tuple[str, str]] = set()


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every absolute import in a file, those inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            yield from ((node.lineno, f"{node.module}.{a.name}") for a in node.names)


def upward_imports(package: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted({f"{p.relative_to(package.parent).as_posix()}:{line} {module}"
                   for p in package.rglob("*.py") for line, module in _imports(p)
                   if module.split(".")[0] in forbidden})


def fake_packages(package: Path) -> list[str]:
    return sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*")
                  if p.stem == "fakes" and (p.is_dir() or p.suffix == ".py"))


def subpackage_loops(package: Path) -> set[tuple[str, str]]:
    """Pairs of subpackages of `package` that reach each other through imports."""
    subs = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    edges: dict[str, set[str]] = {s: set() for s in subs}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or parts[0] not in subs:
            continue
        for _, module in _imports(path):
            names = module.split(".")
            if names[0] == package.name and len(names) > 1 and names[1] in subs - {parts[0]}:
                edges[parts[0]].add(names[1])

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in edges[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    reached = {s: reach(s) for s in subs}
    return {(a, b) for a in subs for b in subs if a < b and b in reached[a] and a in reached[b]}


def test_the_server_imports_nothing_from_above() -> None:
    assert upward_imports(SERVER, ABOVE_THE_SERVER) == []


def test_the_server_ships_no_fake_platforms() -> None:
    assert fake_packages(SERVER) == []


def test_no_new_loop_among_the_server_subpackages() -> None:
    assert subpackage_loops(SERVER) == KNOWN_LOOPS


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    server = tmp_path / "server"
    for sub in ("a", "b", "c", "platforms/fakes"):
        (server / sub).mkdir(parents=True)
        (server / sub / "__init__.py").write_text("")
    (server / "a" / "x.py").write_text("from server.b import y\n")
    (server / "b" / "y.py").write_text("def f():\n    import server.a.x\n    import schedules\n")
    (server / "c" / "z.py").write_text("from server.a import x\nfrom denkna_demo.fakes import w\n")
    assert upward_imports(server, ABOVE_THE_SERVER) == [
        "server/b/y.py:3 schedules", "server/c/z.py:2 denkna_demo.fakes",
        "server/c/z.py:2 denkna_demo.fakes.w"]
    assert fake_packages(server) == ["server/platforms/fakes"]
    assert subpackage_loops(server) == {("a", "b")}
