"""Leases: one row per name in the state database saying which process holds it and until when.

Several instances on one PostgreSQL database elect one leader this way (bot/leader.py): it alone
runs the broadcaster and the periodic jobs. Acquiring and renewing are ONE atomic statement on
both engines (an upsert that changes the row only when it has expired or is already ours), so two
instances asking at the same moment never both win. Times are read from the database's clock
(`NOW`), so the instances' own clocks may disagree.

A holder is `host:pid:random`. On SQLite (one machine, one instance by design) a holder on this
host whose process is gone, or that has this process's pid (a previous run in a restarted
container), is taken over at once: a single instance restarted after a crash does not wait for
its own old lease to expire. On PostgreSQL only expiry frees a lease (the holder may be on
another machine).
"""

from __future__ import annotations

import os
import secrets
import socket

from bot.state.engine import Database

# The current Unix time, in seconds, on the database server's clock.
NOW = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgresql": "extract(epoch from clock_timestamp())::double precision",
}


def holder_id() -> str:
    """A name for this process that no other process (here or on another machine) will have."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _gone_here(holder: str) -> bool:
    """Whether `holder` was a process on this host that no longer runs (or a previous run with
    this process's pid, as after a container restart)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


class Leases:
    """SQL for the `leases` table (bot/state/schema.py)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._now = NOW[db.dialect]

    async def acquire(self, name: str, holder: str, seconds: float) -> bool:
        """Take the lease `name` for `seconds` from now, or renew it if `holder` has it; False
        when another holder has it and it has not expired."""
        row = await self._db.fetchone(
            f"INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, {self._now} + ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
            f"WHERE leases.holder = excluded.holder OR leases.expires_at <= {self._now} RETURNING holder",
            (name, holder, seconds),
        )
        if row is not None:
            return True
        if self._db.dialect != "sqlite":
            return False
        current = await self.holder(name)
        if current is None or not _gone_here(current[0]):
            return False
        # Compare and swap: only if the dead holder still has it (another process may have been quicker).
        changed = await self._db.execute(
            f"UPDATE leases SET holder = ?, expires_at = {self._now} + ? WHERE name = ? AND holder = ?",
            (holder, seconds, name, current[0]),
        )
        return changed == 1

    async def release(self, name: str, holder: str) -> bool:
        """Give the lease up (a clean stop): another instance may take it at once."""
        return await self._db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder)) == 1

    async def holder(self, name: str) -> tuple[str, float] | None:
        """Who holds `name` and for how many more seconds (negative: expired); None if nobody."""
        row = await self._db.fetchone(f"SELECT holder, expires_at - {self._now} FROM leases WHERE name = ?", (name,))
        return (str(row[0]), float(row[1])) if row else None
