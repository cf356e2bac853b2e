"""The import rules, read from the source with `ast` (module-level and function-level imports alike):
the core never reaches `telegram`, and the bot package has no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
# The Telegram side: the composition root, the handlers and their HTTP, rate-limit and webhook
# glue, and the command line (which starts the bot). Everything else is the core.
TELEGRAM_SIDE = ("bot.app", "bot.handlers", "bot.http", "bot.ratelimit", "bot.webhook", "bot.__main__")
# Named by the issue: these must stay in the core (a rename must not empty the check).
CORE = (
    "bot.faq",
    "bot.cases",
    "bot.announce",
    "bot.state",
    "bot.reports",
    "bot.services",
    "bot.console",
    "bot.conversation",
    "bot.lookup",
    "bot.reload",
    "bot.content",
    "bot.replies",
    "bot.texts",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, ast.Module]:
    return {
        module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def imported(tree: ast.Module, modules: set[str]) -> set[str]:
    """Every module a file imports, wherever the import statement is (top level, function, class,
    `if TYPE_CHECKING`): `from bot.x import y` is bot.x.y when that is a module, else bot.x."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, f"relative import of {node.module}: the rules below read absolute names"
            found.update(
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                for alias in node.names
            )
    return found


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Edges between bot modules, and the outside packages each module imports (top-level names)."""
    trees = sources()
    modules = set(trees)
    inside: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    for name, tree in trees.items():
        names = imported(tree, modules)
        inside[name] = {other for other in names if other in modules}
        outside[name] = {other.split(".")[0] for other in names if other.split(".")[0] != "bot"}
    return inside, outside


def reaches_telegram(name: str, inside: dict[str, set[str]], outside: dict[str, set[str]]) -> list[str] | None:
    """The chain of bot modules by which `name` imports telegram, or None."""
    paths = {name: [name]}
    queue = [name]
    while queue:
        current = queue.pop(0)
        if "telegram" in outside[current]:
            return paths[current]
        for other in sorted(inside[current]):
            if other not in paths:
                paths[other] = [*paths[current], other]
                queue.append(other)
    return None


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other in on_stack:
                return [*stack[stack.index(other) :], other]
            if other not in done and (cycle := visit(other)) is not None:
                return cycle
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for node in sorted(graph):
        if node not in done and (cycle := visit(node)) is not None:
            return cycle
    return None


def in_group(name: str, groups: tuple[str, ...]) -> bool:
    return any(name == group or name.startswith(group + ".") for group in groups)


def test_the_core_never_imports_telegram() -> None:
    inside, outside = import_graph()
    core = [name for name in inside if not in_group(name, TELEGRAM_SIDE)]
    assert all(any(in_group(name, (group,)) for name in core) for group in CORE), "a core module went missing"
    leaks = {name: chain for name in core if (chain := reaches_telegram(name, inside, outside))}
    assert leaks == {}, "\n".join(f"{name} imports telegram via {' -> '.join(chain)}" for name, chain in leaks.items())


def test_the_check_sees_telegram_where_it_is() -> None:
    inside, outside = import_graph()
    assert reaches_telegram("bot.app", inside, outside) == ["bot.app"]
    chain = reaches_telegram("bot.__main__", inside, outside)  # through its deferred import of bot.app
    assert chain is not None and chain[:2] == ["bot.__main__", "bot.app"]


def test_the_bot_package_has_no_import_cycle() -> None:
    inside, _ = import_graph()
    assert sum(map(len, inside.values())) > 100  # the graph was read: every module imports others
    cycle = find_cycle(inside)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_function_level_imports_count() -> None:
    tree = ast.parse("def f():\n    from bot.app import run\n")
    assert imported(tree, {"bot.app"}) == {"bot.app"}
    assert find_cycle(
        {"bot.app": {"bot.handlers"}, "bot.handlers": {"bot.handlers.x"}, "bot.handlers.x": {"bot.app"}}
    ) == ["bot.app", "bot.handlers", "bot.handlers.x", "bot.app"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"b"}}) is None


def test_files_and_functions_stay_small() -> None:
    """docs/architecture.md: a file in bot/ stays under 300 lines and a function under 60."""
    too_long = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 300:
            too_long.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                if node.end_lineno - node.lineno + 1 > 60:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert len(list((ROOT / "bot").rglob("*.py"))) > 50  # the walk found the package
    assert too_long == []
