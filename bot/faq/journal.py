"""Replace several FAQ files as one step that a crash cannot leave half done.

Every new file is first written beside its target under a name that is not `*.yaml` (a reload
never reads it); then a journal listing the renames and removals is committed (written, synced,
renamed into place); then the renames run; then the journal goes. A crash before the journal is
committed leaves the folder as it was; a crash after it leaves a journal that `finish_interrupted`
carries out (again is harmless), which every command and the bot's start run first.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)
JOURNAL = ".faq-import.journal"


def _sync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_all(folder: Path, contents: dict[str, bytes], remove: Iterable[Path]) -> None:
    """Write `contents` (file name -> bytes) into `folder` and delete `remove`, all or nothing."""
    staged: list[tuple[str, str]] = []
    try:
        for name, data in contents.items():
            temp = f".{name}.{os.getpid()}.tmp"
            staged.append((temp, name))
            _sync_write(folder / temp, data)
        removals = [path.name for path in remove]
        plan = {"rename": staged, "remove": removals}
        _sync_write(folder / (JOURNAL + ".new"), json.dumps(plan).encode("utf-8"))
        os.replace(folder / (JOURNAL + ".new"), folder / JOURNAL)  # the commit point
        _sync_folder(folder)
    except BaseException:
        for temp, _ in staged:
            (folder / temp).unlink(missing_ok=True)
        (folder / (JOURNAL + ".new")).unlink(missing_ok=True)
        raise
    _carry_out(folder, staged, removals)


def _plain(name: str) -> str:
    if Path(name).name != name or name in {"", ".", ".."}:
        raise ValueError(f"{JOURNAL}: not a file name: {name!r}")
    return name


def _carry_out(folder: Path, renames: list[tuple[str, str]], removals: list[str]) -> None:
    for temp, name in ((_plain(a), _plain(b)) for a, b in renames):
        if (folder / temp).exists():  # gone: this rename was done before the crash
            os.replace(folder / temp, folder / name)
    for name in removals:
        (folder / _plain(name)).unlink(missing_ok=True)
    _sync_folder(folder)
    (folder / JOURNAL).unlink()


def finish_interrupted(folder: Path) -> bool:
    """Carry out the journal an interrupted import left in `folder`; True if there was one."""
    journal = folder / JOURNAL
    if not journal.is_file():
        _remove_stale(folder)  # an import killed before its commit point: it did not happen
        return False
    plan = json.loads(journal.read_text(encoding="utf-8"))
    _carry_out(folder, [(str(a), str(b)) for a, b in plan["rename"]], [str(n) for n in plan["remove"]])
    log.warning("finished an interrupted faq import in %s", folder)
    return True


def _remove_stale(folder: Path) -> None:
    """Delete the staged files (".NAME.PID.tmp") and journal drafts of imports whose process is gone."""
    for path in [*folder.glob(".*.tmp"), *folder.glob(JOURNAL + ".new")]:
        pid = path.name.rsplit(".", 2)[-2] if path.name.endswith(".tmp") else ""
        if not pid.isdigit() or not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
