"""Mapping validation and the command line: clear errors, exit status 2, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import FIXED_BUILT_AT, ROOT

MAPPING = ROOT / "mappings" / "appendix_x.yaml"


def run(*args, cwd=ROOT, columns=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"COLUMNS": str(columns)} if columns else {})}
    return subprocess.run([sys.executable, "-m", "workbook_builder", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def project_with_mapping(tmp_path: Path, text: str) -> Path:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "appendix_x.xlsx", tmp_path / "templates")
    (tmp_path / "mappings" / "appendix_x.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_broken_mapping_exits_2_naming_file_line_and_key(tmp_path):
    lines = MAPPING.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "polarity: lower_is_better" in line)
    lines[index] = lines[index].replace("lower_is_better", "downwards")
    project = project_with_mapping(tmp_path, "\n".join(lines) + "\n")
    result = run("validate", "--inputs", str(ROOT / "inputs" / "sample"), cwd=project)
    assert result.returncode == 2
    assert f"appendix_x.yaml:{index + 1}:" in result.stderr
    assert "polarity" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_source_in_mapping_is_named(tmp_path):
    text = MAPPING.read_text(encoding="utf-8").replace("{source: dfe_eyfsp, ", "{source: dfe_eyfspp, ", 1)
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "dfe_eyfspp" in text_line)
    result = run("validate", "--inputs", str(ROOT / "inputs" / "sample"), cwd=project_with_mapping(tmp_path, text))
    assert result.returncode == 2
    assert f"appendix_x.yaml:{line}:" in result.stderr and "unknown source 'dfe_eyfspp'" in result.stderr


def test_missing_input_file_exits_2_and_writes_nothing(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs" / "sample", inputs)
    (inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv").unlink()
    out = tmp_path / "out"
    result = run("build", "--inputs", str(inputs), "--out", str(out))
    assert result.returncode == 2
    assert "no DfE file matching c1_children_in_need_referrals_and_rereferrals_*.csv" in result.stderr  # published.yaml's name
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_validate_reports_every_value_located():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "appendix_x: 22 measures; 61 values located; 26 marked not available" in result.stdout


def test_build_and_trace_from_the_command_line(tmp_path):
    result = run("build", "--workbook", "appendix_x", "--out", str(tmp_path), "--built-at", FIXED_BUILT_AT)
    assert result.returncode == 0, result.stderr
    [built] = list(tmp_path.glob("*.xlsx"))
    from .helpers import Scorecard

    card = Scorecard(built)
    cell = f"'Scorecard'!{card.ref('repeat_referrals_pct', 'England')}"
    traced = run("trace", str(built), cell)
    assert traced.returncode == 0, traced.stderr
    assert "published:c1_children_in_need_referrals_and_rereferrals_202" in traced.stdout  # DfE's file, via published.yaml
    assert "geographic_level=National" in traced.stdout and "rereferral_child_percent" in traced.stdout and "│ 21 " in traced.stdout


def test_suppressed_la_value_stays_c_with_a_note(tmp_path):
    """Shropshire's published value replaced by DfE's 'c' shows as c, with the reason in Notes and Audit."""
    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs" / "sample", inputs)
    path = inputs / "dfe" / "la_care_leavers_activity.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [row.replace('E06000051,Aged 19 to 21,"Total in education, employment or training",270,50', 'E06000051,Aged 19 to 21,"Total in education, employment or training",c,c')
             if row.startswith("2025") else row for row in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from workbook_builder.build import build

    [result] = build(["appendix_x"], inputs=inputs, out_dir=tmp_path / "out", built_at=FIXED_BUILT_AT, root=ROOT)
    from .helpers import Scorecard

    card = Scorecard(result.output)
    assert card.value("care_leavers_eet_19_21_pct", "Previous") == "c"
    assert "Previous: 'c' in source: suppressed to protect confidentiality" in card.value("care_leavers_eet_19_21_pct", "Notes")
    assert card.value("care_leavers_eet_19_21_pct", "Direction") == "–"
    audit = next(a for a in card.audit() if a["Measure id"] == "care_leavers_eet_19_21_pct" and a["Series"] == "Previous")
    assert audit["Value"] == "c" and "suppressed to protect confidentiality" in audit["Transformation"]
