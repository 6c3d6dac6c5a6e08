"""Rules the test suite keeps about itself, checked on its source with `ast`.

- A test module (`test_*.py`, `conftest.py`) never imports another test module or a
  conftest: shared helpers live in support modules (`tests/support/`, `tests/fakes/`), so
  running or moving one test file never depends on another's fixtures or side effects.
- No assertion is a top-level `or`: a test that accepts either of two outcomes does not
  say which one is right, and passes when the code does the wrong one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def is_test_module(path: Path) -> bool:
    return path.name == "conftest.py" or path.name.startswith("test_")


def suite_modules() -> list[Path]:
    """Every test module under tests/ (support modules are not test modules)."""
    return sorted(path for path in TESTS.rglob("*.py") if is_test_module(path))


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every import; `from tests import test_x` counts as
    `tests.test_x`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def names_a_test_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] == "conftest":  # `from conftest import ...` through pytest's sys.path
        return True
    return parts[0] == "tests" and any(
        part == "conftest" or part.startswith("test_") for part in parts[1:]
    )


def or_assertions(tree: ast.AST) -> list[ast.Assert]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        and isinstance(node.test, ast.BoolOp)
        and isinstance(node.test.op, ast.Or)
    ]


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(TESTS.parent)}:{line}"


def test_the_walk_finds_the_suite() -> None:
    names = {path.relative_to(TESTS).as_posix() for path in suite_modules()}
    assert {"conftest.py", "resilience/conftest.py", "test_suite_hygiene.py"} <= names
    assert "support/dialogs.py" not in names


def test_no_test_module_imports_another_test_module() -> None:
    offenders = [
        f"{where(path, line)} imports {name}"
        for path in suite_modules()
        for line, name in imported_modules(parsed(path))
        if names_a_test_module(name)
    ]
    assert offenders == [], "move what they share into tests/support/:\n" + "\n".join(offenders)


def test_benchmarks_import_no_test_module() -> None:
    """The benchmarks share the fakes (tests/fakes/), never a test module's fixtures."""
    offenders = [
        f"{where(path, line)} imports {name}"
        for path in sorted((TESTS.parent / "benchmarks").glob("*.py"))
        for line, name in imported_modules(parsed(path))
        if names_a_test_module(name)
    ]
    assert offenders == [], "\n".join(offenders)


def test_no_assertion_accepts_either_of_two_outcomes() -> None:
    offenders = [
        f"{where(path, node.lineno)} assert {ast.unparse(node.test)[:100]}"
        for path in suite_modules()
        for node in or_assertions(parsed(path))
    ]
    assert offenders == [], "decide which outcome is right:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.test_registration_dialog import fill_until", True),
        ("from tests.conftest import DialogHarness", True),
        ("from tests.resilience.conftest import new_user_id", True),
        ("import tests.e2e.test_webhook_replicas", True),
        ("from tests import test_migrations", True),
        ("from conftest import make_settings", True),
        ("from tests.support.dialogs import UserSession", False),
        ("from tests.fakes.telegram_server import FakeTelegramServer", False),
        ("from tests.e2e.bot_process import bot_env", False),
        ("from trainer_bot.config import Settings", False),
    ],
)
def test_the_import_rule_tells_test_modules_from_support_modules(
    source: str, expected: bool
) -> None:
    names = [name for _, name in imported_modules(ast.parse(source))]
    assert any(names_a_test_module(name) for name in names) is expected


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("assert a or b", True),
        ("assert (a and b) or c, 'message'", True),
        ("assert a and b", False),
        ("assert a in (b or c)", False),
        ("assert not (a or b)", False),
    ],
)
def test_the_or_rule_flags_only_a_top_level_or(source: str, flagged: bool) -> None:
    assert bool(or_assertions(ast.parse(source))) is flagged
