"""A crash in the middle of `faq import` (review L6): the process dies at a real file operation,
and the folder is then either the old FAQ or the imported one, never a mix that fails the check.

The fault: a real `python -m bot faq import` process whose os.replace ends the process with
os._exit, before the journal is committed or right after the first category file was replaced."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.faq.loader import load_faq

pytestmark = pytest.mark.slow  # real processes killed mid-import

ROOT = Path(__file__).resolve().parent.parent
DIE = """
import os, sys
real, when = os.replace, sys.argv.pop(1)
def replace(source, target, *args, **kwargs):
    if when == "before-commit" and str(target).endswith(".journal"):
        os._exit(9)
    real(source, target, *args, **kwargs)
    if when == "after-first-file" and str(target).endswith(".yaml"):
        os._exit(9)
os.replace = replace
from bot.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def moved_entry_sheet(tmp_path: Path, folder: Path, config: Path) -> Path:
    """Export the FAQ to CSV and move one entry to another category (two files change)."""
    sheet = tmp_path / "faq.csv"
    assert main(["--config", str(config), "faq", "export", "--csv", str(sheet), "--dir", str(folder)]) == 0
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    id_column, category_column = header.index("Mã câu hỏi (id)"), header.index("Mã chủ đề (category)")
    moved = next(row for row in rows[1:] if row[id_column] == "ban-an-duoc-thi-hanh")
    target = next(row for row in rows[1:] if row[category_column] != moved[category_column])
    moved[category_column] = target[category_column]
    moved[category_column + 1 : category_column + 3] = target[category_column + 1 : category_column + 3]
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return sheet


@pytest.mark.parametrize("when", ["before-commit", "after-first-file"])
def test_a_crash_mid_import_leaves_the_old_or_the_new_faq(tmp_path: Path, when: str) -> None:
    folder, control = tmp_path / "faq", tmp_path / "control"
    shutil.copytree(ROOT / "faq", folder)
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {folder}\n  watch: false\n", encoding="utf-8")
    sheet = moved_entry_sheet(tmp_path, folder, config)
    before = snapshot(folder)
    shutil.copytree(folder, control)
    assert main(["--config", str(config), "faq", "import", str(sheet), "--dir", str(control)]) == 0
    imported = snapshot(control)
    assert imported != before

    crashed = subprocess.run(
        [sys.executable, "-c", DIE, when, "--config", str(config), "faq", "import", str(sheet)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 9, crashed.stderr
    check = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "faq", "check", str(folder)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert snapshot(folder) == (before if when == "before-commit" else imported)
    assert not [p for p in load_faq(folder)[1] if not p.warning]
