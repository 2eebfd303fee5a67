"""Shared fixtures: the project root, the reference data in ../shared/data, and one sample build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXED_BUILT_AT = "2026-07-01 09:00:00 UTC"
#: DfE's releases here up to the 2024 children-looked-after one: every file the workbooks' published measures read
RELEASES_2024 = ("dfe", "dfe-cin", "dfe-outcomes", "dfe-workforce", "dfe-send")


def releases_2024(shared_data: Path) -> list[Path]:
    return [shared_data / folder for folder in RELEASES_2024]


def published_options(shared_data: Path) -> list[str]:
    """``--published FOLDER`` for each of :data:`RELEASES_2024`."""
    return [option for folder in releases_2024(shared_data) for option in ("--published", str(folder))]


def pytest_configure(config):
    config.addinivalue_line("markers", "libreoffice: opens workbooks in LibreOffice headless (soffice)")


try:  # Hypothesis profiles: 'ci' (the default; derandomized, so a CI run is repeatable) and 'deep' (ten times the examples)
    from hypothesis import settings as _hypothesis

    _hypothesis.register_profile("ci", max_examples=100, derandomize=True, print_blob=True)
    _hypothesis.register_profile("deep", max_examples=1000, derandomize=False)
    # --hypothesis-profile (the Hypothesis plugin's option) wins; otherwise HYPOTHESIS_PROFILE, otherwise 'ci'
    _hypothesis.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


def soffice() -> str:
    """The LibreOffice binary; in CI its absence is a failure, elsewhere the test is skipped."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def sample_la():
    """The LA the project's scorecard.yaml names (the sample inputs are its extracts)."""
    from workbook_builder.workspace import load_workspace

    return load_workspace(ROOT).la


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"reference data missing: {SHARED_DATA}")
        pytest.skip("../shared/data is not beside the project")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Appendix X built once from the bundled sample inputs, with a fixed build time."""
    from workbook_builder.build import build

    out = tmp_path_factory.mktemp("outputs")
    [result] = build(["appendix_x"], inputs=ROOT / "inputs" / "sample", out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT)
    return result
