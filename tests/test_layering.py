"""The dependency direction of DESIGN.md, checked on the source: adapters -> bot -> matching.

Every import statement counts, at module level or inside a function (a lazy import is still a
dependency), as does `importlib.import_module("…")` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) for every module `source` (a module of `package`) imports; relative
    imports made absolute."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module))
            if not node.module:  # `from . import x`: x is a module of that package
                found += [(node.lineno, ".".join(filter(None, (module, alias.name))))
                          for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
              and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
              in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        package_of = ".".join(path.relative_to(ROOT).parts[:-1])
        for line, module in imported(path.read_text(encoding="utf-8"), package_of):
            if any(module == name or module.startswith(name + ".") for name in forbidden):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_the_core_imports_no_adapter() -> None:
    assert offenders("bot", ("adapters",)) == []


def test_matching_imports_neither_the_core_nor_an_adapter() -> None:
    assert offenders("matching", ("bot", "adapters")) == []


def test_the_scan_sees_lazy_relative_and_dynamic_imports() -> None:
    source = ("def f():\n    from adapters.slack.app import SlackAdapter\n"
              "    from ..adapters import main\n    from .. import adapters\n"
              "    import importlib\n    importlib.import_module('adapters.console')\n")
    modules = [module for _, module in imported(source, "bot")]
    assert modules.count("adapters") == 2  # both relative forms, from the bot package
    assert {"adapters.slack.app", "adapters.console"} <= set(modules)
