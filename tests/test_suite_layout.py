"""The suite's own rules: a test module imports shared code from tests/helpers.py (fixtures come
from conftest.py), never from another test module, so each can be read, run and changed alone."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(source: str) -> list[str]:
    """The `tests.test_*` modules (or names of `tests` starting with `test_`) a module imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [name for name in names if name.startswith("tests.test_") or name.startswith("test_")]
    return sorted(set(found))


def test_no_test_module_imports_another() -> None:
    offenders = {
        path.name: imported_test_modules(path.read_text(encoding="utf-8")) for path in sorted(TESTS.glob("*.py"))
    }
    assert {name: modules for name, modules in offenders.items() if modules} == {}


def test_the_import_check_can_fail() -> None:
    assert imported_test_modules("from tests.test_telegram import ask\nimport tests.test_cases\n") == [
        "tests.test_cases",
        "tests.test_telegram",
        "tests.test_telegram.ask",
    ]
    assert imported_test_modules("from tests import test_announce\n") == ["tests.test_announce"]
    assert imported_test_modules("from tests.helpers import ask\nfrom tests.fake_telegram import Sent\n") == []
