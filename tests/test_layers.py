"""The package's layers import one way: a lower layer never imports a higher one (read from the source with ast).

sources → measures → judgements → writers → the library calls → the CLI and ribbon shells. Below
them all is the vocabulary every layer shares: errors, cell references, observations, periods,
local authorities, safe writing, YAML reading and the workspace's settings. (Readers make
observations, so ``observations`` sits below ``sources``, not after it as the data flows.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "workbook_builder"

LAYERS = [
    ("vocabulary", {"__init__", "errors", "refs", "files", "limits", "observations", "periods", "authorities", "audiences", "yamlfile", "csvfile",
                    "workspace"}),
    ("sources", {"sources"}),
    ("measures", {"measures"}),
    ("judgements", {"judgements"}),
    ("writers", {"writers"}),
    ("calls", {"build", "batch", "reconcile", "release_diff", "annex_a", "publish", "fill", "trace", "init", "addin", "vba", "config"}),
    ("shells", {"cli", "ribbon", "__main__"}),
]
RANK = {name: rank for rank, (_layer, names) in enumerate(LAYERS) for name in names}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _top(module: str) -> str:
    """workbook_builder.writers.ooxml.package -> writers; workbook_builder.build -> build."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of the project's own modules in ``path`` (the module ``module``)."""
    module = module or _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "workbook_builder"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "workbook_builder":
                continue
            if target == "workbook_builder" or (node.module is None and node.level):  # `from . import refs` names modules
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = sorted({_top(_module(p)) for p in MODULES} - set(RANK))
    assert not unplaced, f"place these in LAYERS (tests/test_layers.py): {unplaced}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_no_module_imports_a_higher_layer(path):
    own = RANK[_top(_module(path))]
    upward = [f"{path.relative_to(ROOT)}:{line}: imports {target} ({LAYERS[RANK[_top(target)]][0]} is above {LAYERS[own][0]})"
              for line, target in _imports(path) if _top(target) in RANK and RANK[_top(target)] > own]
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path):
    """The walk itself can fail: a reader importing a writer is caught."""
    fake = tmp_path / "probe.py"
    fake.write_text("from ..writers.audit import write_audit\nfrom .. import build\nimport workbook_builder.cli\n", encoding="utf-8")
    targets = [target for _line, target in _imports(fake, "workbook_builder.sources.probe")]
    assert targets == ["workbook_builder.writers.audit", "workbook_builder.build", "workbook_builder.cli"]
    assert all(RANK[_top(t)] > RANK["sources"] for t in targets)
