"""Documentation that must not drift: every command in the README, every source kind documented,
and a docstring on every public function of the engine, the resolver and the readers."""

from __future__ import annotations

import ast
import re

import click
import pytest

from workbook_builder.cli import cli
from workbook_builder.sources import KINDS, reader

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "scorecard") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
    return found


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"^{re.escape(command)}\b", README, re.MULTILINE), f"README's command line section does not show `{command}`"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_source_kind_is_documented_and_complete(kind):
    module = reader(kind)
    assert module.KIND == kind and module.SCOPE in ("local", "national")
    for name in ("check", "observe", "describe"):
        assert callable(getattr(module, name, None)), f"sources/{KINDS[kind]}.py has no {name}()"
    assert module.__doc__ and module.observe.__doc__
    assert f"`{kind}`" in README, f"the README's source kinds do not list `{kind}`"


DOCUMENTED = ["workbook_builder/writers/ooxml/*.py", "workbook_builder/measures/resolve.py", "workbook_builder/refs.py",
              "workbook_builder/sources/*.py"]


@pytest.mark.parametrize("path", sorted(p for pattern in DOCUMENTED for p in ROOT.glob(pattern)), ids=lambda p: p.name)
def test_public_functions_say_what_they_do(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    public = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    public += [item for node in tree.body if isinstance(node, ast.ClassDef) for item in node.body if isinstance(item, ast.FunctionDef)]
    missing = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}" for node in public
               if not node.name.startswith("_") and ast.get_docstring(node) is None
               and node.name not in ("check", "periods")]  # a reader's check() and periods() are documented in sources/base.py
    assert not missing, "\n".join(missing)


def test_ci_runs_the_readme_test_command_as_written():
    """CI runs the quick start's test command exactly as the README shows it, and refuses to run when they differ."""
    [command] = re.findall(r"^python3 -m venv \.venv && .* -m pytest$", README, re.M)
    assert command == "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in lines  # the command itself, on a line of its own
    assert f'grep -qxF "{command}" README.md || {{' in lines  # and the check that the README still shows it
