"""A throwaway PostgreSQL server for tests: initdb in a temporary folder, a unix socket only.

Why not the system's server: tests must not depend on (or touch) a configured database. The
cluster lives in a fresh folder, listens on no TCP port (only a socket in that folder), trusts
local connections, runs with fsync off, and is removed at the end.

initdb and postgres refuse to run as root; as root the server runs as the ``postgres`` system
user (Debian's package creates it) or ``nobody``, through util-linux ``runuser``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typing_extensions import Self

__all__ = ["PostgresCluster", "find_pg_bin", "require_postgresql"]


def find_pg_bin() -> Path | None:
    """Return the folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is missing.

    Debian keeps them in /usr/lib/postgresql/<version>/bin, off PATH; the newest version wins.
    """
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    versions.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def require_postgresql() -> Path:
    """Return PostgreSQL's bin folder; skip locally when it is missing, fail when CI is set.

    The driver, psycopg, comes with the web extra: missing, it is the same failure under CI.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = "psycopg（pip install -e '.[test,web]'）"
    else:
        found = find_pg_bin()
        if found is not None:
            return found
        missing = "PostgreSQL（initdb、pg_ctl；见 scripts/install_system_deps.sh）"
    if os.environ.get("CI"):
        pytest.fail(f"CI 环境必须安装 {missing}，测试不得跳过")
    pytest.skip(f"{missing} is not installed")


class PostgresCluster:
    """A private PostgreSQL cluster; use as a context manager (stopped and removed at exit)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="jidi-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd  # POSIX only, as is running as root

            name = "postgres" if _user_exists("postgres") else "nobody"
            entry = pwd.getpwnam(name)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self._as = ["runuser", "-u", name, "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}\n{log}")

    def start(self) -> Self:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h '' -k {self.dir} -F -c max_connections=200",
            "start",
        )
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, database: str) -> str:
        """The ``--database`` URL of `database` on this cluster (over the unix socket)."""
        return f"postgresql://postgres@/{database}?host={self.dir}"

    def create_database(self, name: str) -> str:
        """Create an empty database `name`; return its URL."""
        import psycopg

        with psycopg.connect(host=str(self.dir), user="postgres", dbname="postgres") as conn:
            conn.autocommit = True
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
