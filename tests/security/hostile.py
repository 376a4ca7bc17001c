"""The hostile inputs, the requests that carry them and the table of their answers.

An input is written three ways: as a JSON literal (in a body), as text (a query parameter, a
form field, a path segment), or not at all where it cannot travel (a lone surrogate has no
place in a URL). ``Probe`` is one request carrying one input at one place; ``answer`` sends it
in a savepoint rolled back after it, so every probe meets the same world.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction

BIG = 10**20
DEEP = 3000


@dataclass(frozen=True)
class Hostile:
    name: str  # as the table shows it
    literal: bytes | None  # in a JSON body; None: not sent there
    text: str | None  # in a query string, a form, a path; None: not sent there
    # Where it goes: "number" only into fields and parameters that take a number (a text field
    # takes 2**70 as the text "1180591620717411303424"); "any" everywhere (the JSON parser
    # refuses it whatever the field).
    into: str = "any"


def _literal(value: str) -> bytes:
    return value.encode()


NUMBERS = [
    Hostile("1e400", b"1e400", "1e400"),
    Hostile("-1e400", b"-1e400", "-1e400"),
    Hostile("2**70", _literal(str(2**70)), str(2**70), into="number"),
    Hostile("-2**70", _literal(str(-(2**70))), str(-(2**70)), into="number"),
    Hostile("10**20 (page or id out of range)", _literal(str(BIG)), str(BIG), into="number"),
    Hostile("NaN", b"NaN", "NaN"),
    Hostile("Infinity", b"Infinity", "Infinity"),
    Hostile("-Infinity", b"-Infinity", "-Infinity"),
    Hostile("an integer of 5,000 digits", b"9" * 5000, "9" * 5000),
    Hostile("-1 (below the range)", b"-1", "-1", into="number"),
    # A digit to str.isdigit(), not to int().
    Hostile("superscript two (²)", '"²"'.encode(), "²", into="number"),
]
LONG = "over-long string (100,000 characters; 10,000 in a URL)"
TEXTS = [
    Hostile(LONG, _literal(json.dumps("长" * 100_000)), "9" * 10_000),
    Hostile("NUL byte", b'"1\\u0000"', "1\x00"),
    Hostile("lone surrogate (\\ud800)", b'"\\ud800"', None),
    Hostile("invalid UTF-8", b'"\xff\xfe"', None),
]
NESTED = [
    Hostile(f"JSON nested {DEEP:,} deep", b"[" * DEEP + b"]" * DEEP, None),
    Hostile("JSON nested 50 deep", b"[" * 50 + b"]" * 50, None),
]
# A path segment is text, whatever it carries: (the table's name, the segment).
PATH_TEXTS = [
    *((h.name, h.text) for h in NUMBERS),
    ("NUL byte", "%00"),
    ("invalid UTF-8", "%FF%FE"),
    (LONG, "9" * 10_000),
]

GATE = frozenset({401, 403, 404, 405})


@dataclass
class Probe:
    input: str
    endpoint: str
    method: str
    url: str
    body: bytes | dict | None = None
    content_type: str | None = None
    expected: frozenset[int] = frozenset({400})
    field: str | None = None  # the field a 400 names (None: the body as a whole)


def with_value(body: dict, name: str, literal: bytes) -> bytes:
    """``body`` as JSON, ``name`` holding the raw ``literal`` (which json.dumps cannot write)."""
    marker = "\x01hostile\x01"
    text = json.dumps({**body, name: marker}, ensure_ascii=False, default=str).encode()
    return text.replace(json.dumps(marker).encode(), literal)


def answer(client, probe: Probe):
    """Send ``probe``; whatever it wrote is rolled back."""
    with transaction.atomic():
        if probe.method == "GET":
            response = client.get(probe.url)
        else:
            response = client.generic(
                probe.method,
                probe.url,
                probe.body if probe.body is not None else b"",
                content_type=probe.content_type or "application/octet-stream",
            )
        transaction.set_rollback(True)
    return response
