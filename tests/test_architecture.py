"""The layer rules of docs/architecture.md, checked rather than hoped for.

- import-linter's contracts (pyproject.toml ``[tool.importlinter]``) hold;
- ``analysis/`` computes numbers: no reader-facing text (a string literal of three or more words)
  outside docstrings and exception messages, and no formatter import;
- functions stay short: over 60 lines only with a reason written at the top of the docstring
  (a line starting ``Long:``).
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ivpanalysis"
MAX_LINES = 60


def _modules(layer: str | None = None):
    root = SRC / layer if layer else SRC
    return sorted(p for p in root.rglob("*.py"))


def _lint_imports() -> Path | None:
    exe = Path(sys.executable).with_name("lint-imports")
    return exe if exe.exists() else (Path(shutil.which("lint-imports")) if shutil.which("lint-imports") else None)


def test_layer_contracts_hold():
    exe = _lint_imports()
    assert exe is not None, "import-linter is a test dependency (pip install -e '.[test]')"
    run = subprocess.run([str(exe), "--config", str(SRC.parents[1] / "pyproject.toml")],
                         capture_output=True, text=True, cwd=SRC.parents[1])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def _exempt_strings(tree: ast.AST) -> set[int]:
    """ids of string constants that are docstrings or exception/warning messages."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                exempt.add(id(body[0].value))
        if isinstance(node, ast.Raise) and node.exc is not None:
            exempt.update(id(n) for n in ast.walk(node.exc))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"warn", "Problem"}:
            exempt.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith(("Error", "Exception")):
            exempt.update(id(n) for n in ast.walk(node))
    return exempt


def _wordy(value: str) -> bool:
    if value.startswith("ivpanalysis "):  # a command line to run is code, not prose for readers
        return False
    words = [w for w in value.split() if any(c.isalpha() for c in w)]
    return len(words) >= 3


@pytest.mark.parametrize("path", _modules("analysis"), ids=lambda p: p.name)
def test_analysis_holds_no_reader_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _exempt_strings(tree)
    wordy = [f"{path.name}:{n.lineno}: {n.value[:60]!r}" for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in exempt
             and _wordy(n.value)]
    assert not wordy, "reader-facing text belongs in present/:\n" + "\n".join(wordy)


@pytest.mark.parametrize("path", _modules("analysis"), ids=lambda p: p.name)
def test_analysis_imports_no_formatter(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    mods = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "fmt" not in names and not any(m.startswith("ivpanalysis.present") or m == "babel.numbers" for m in mods)


def test_long_functions_say_why():
    long = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if length > MAX_LINES and not doc.lstrip().startswith("Long:") and "\nLong:" not in doc:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "functions over 60 lines without a reason ('Long: …' in the docstring):\n" + "\n".join(long)
