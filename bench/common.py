"""What the benchmark scripts share: the database they are pointed at, and Django."""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    """postgres://… of the named benchmark database, on the server of DATABASE_URL (else local)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"not a database name: {name!r}")
    base = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    return f"{base.rstrip('/')}/{name}"


def setup_django(name: str) -> None:
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
