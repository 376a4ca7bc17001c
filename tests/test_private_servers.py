"""The servers the project starts for itself (governance/private_servers.py), in a checkout of
their own under tmp_path: made on first use with both roles and the extensions the migrations
create, on sockets only this user reaches, shared by the commands that use them, stopped by the
last, and their data kept for the next."""

import os
import stat
import subprocess
import sys

import psycopg2
import pytest
import redis

from governance import private_servers

ROOT = private_servers.ROOT


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """The module pointed at a checkout of its own (its own .local), not the suite's servers."""
    local = tmp_path / ".local"
    monkeypatch.setattr(private_servers, "ROOT", tmp_path)
    monkeypatch.setattr(private_servers, "LOCAL", local)
    monkeypatch.setattr(private_servers, "PGDATA", local / "postgres")
    monkeypatch.setattr(private_servers, "REDIS_DIR", local / "redis")
    yield local
    private_servers._stop_all()  # whatever a failed test left running


def connect(user: str, dbname: str = private_servers.DATABASE):
    return psycopg2.connect(host=str(private_servers.run_dir()), user=user, dbname=dbname)


def query(user: str, sql: str, dbname: str = private_servers.DATABASE):
    conn = connect(user, dbname)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def test_made_on_first_use_with_the_two_roles_and_the_extensions(checkout):
    with private_servers.serving():
        assert query("governance_owner", "SELECT current_user, version()")[0][1].startswith("PostgreSQL 18.")
        (owner,) = query("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'governance'")[0]
        assert owner == "governance_owner"
        # What the migrations create as the owner, who is no superuser.
        query("governance_owner", "CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gin")
        assert (
            query("governance_owner", "SELECT similarity('紫金凰小区空调外机噪音', '紫金凰小区空调噪音')")[0][0] > 0.5
        )
        roles = dict(
            query("postgres", "SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname LIKE 'gov%'")
        )
        assert roles == {"governance_owner": False, "governance_app": False}
        assert query("governance_app", "SELECT current_user") == [("governance_app",)]
        assert redis.Redis.from_url(private_servers.urls(redis_db=3)["REDIS_URL"]).ping()


def test_sockets_only_no_port_and_only_this_user(checkout):
    with private_servers.serving():
        assert query("postgres", "SHOW listen_addresses") == [("",)]
        sockets = private_servers.run_dir()
        assert stat.S_IMODE(sockets.stat().st_mode) == 0o700
        assert sorted(p.name for p in sockets.iterdir() if p.is_socket()) == [".s.PGSQL.5432", "redis.sock"]
        info = redis.Redis.from_url(private_servers.urls()["REDIS_URL"]).config_get("port")
        assert info == {"port": "0"}


def test_the_last_user_stops_them_and_the_data_stays(checkout):
    with private_servers.serving():
        query("governance_owner", "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('第一次')")
        postgres_pid, redis_pid = private_servers._postgres_pid(), private_servers._redis_pid()
        # A second command joins (here: a process of its own), and leaving does not stop them.
        joined = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-c", JOIN, str(checkout.parent)], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert joined.returncode == 0, joined.stderr
        assert joined.stdout.split() == [str(postgres_pid), str(redis_pid)]
        assert private_servers._postgres_pid() == postgres_pid
        assert private_servers._redis_pid() == redis_pid
    assert not private_servers._alive(postgres_pid)
    assert not private_servers._alive(redis_pid)

    with private_servers.serving():
        assert query("governance_owner", "SELECT note FROM kept") == [("第一次",)]


def test_a_user_killed_before_it_left_is_not_waited_for(checkout):
    with private_servers._locked() as clients:
        clients.append(2**22 + 1)  # above pid_max: no such process
    with private_servers.serving():
        postgres_pid = private_servers._postgres_pid()
    assert not private_servers._alive(postgres_pid)
    assert private_servers.wanted({}) == (True, True)


def test_a_configured_server_is_used_unchanged(checkout):
    """DATABASE_URL and REDIS_URL set (empty REDIS_URL: no broker at all): nothing starts, and the
    command sees the variables it was given."""
    env = {**os.environ, "DATABASE_URL": "postgres://someone@db.example/governance", "REDIS_URL": ""}
    assert private_servers.wanted(env) == (False, False)
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-c", RUN_CONFIGURED, str(checkout.parent)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["postgres://someone@db.example/governance", "''"]
    assert not checkout.exists() or not (checkout / "postgres").exists()


# The module pointed at the test's checkout, in a process of its own.
POINT = """
import sys
from pathlib import Path
from governance import private_servers as s
root = Path(sys.argv[1])
s.ROOT, s.LOCAL, s.PGDATA, s.REDIS_DIR = root, root / ".local", root / ".local/postgres", root / ".local/redis"
"""
JOIN = POINT + "\nwith s.serving():\n    print(s._postgres_pid(), s._redis_pid())\n"
SHOW = "import os; print(os.environ['DATABASE_URL'], repr(os.environ['REDIS_URL']))"
RUN_CONFIGURED = POINT + f"\nsys.exit(s.main(['run', '--', sys.executable, '-c', {SHOW!r}]))\n"
