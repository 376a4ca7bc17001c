"""The API's JSON parser: DRF's, refusing at the door what Python's json module reads but no field
can hold, each refusal a 400 naming the field (``ValidationError``: the API's ``invalid`` shape).

1. A number beyond a double's range: ``1e400`` reads as infinity (which ``int()`` cannot take:
   an OverflowError deep in a lookup), and so do ``NaN``/``Infinity`` literals and an integer
   longer than Python converts (``sys.get_int_max_str_digits``).
2. Text PostgreSQL cannot store: a NUL character, or invalid UTF-8 (bytes that are no UTF-8, and
   lone surrogates written as ``\\ud800``). The body is decoded with ``surrogateescape`` so that
   bad bytes inside a string become surrogates found here, in the field they were sent in.
3. Nesting deeper than ``MAX_DEPTH``: no input of ours nests more than four levels, and the C
   scanner would recurse through thousands until RecursionError (a 500). A body too deep to read
   at all names the top-level member that holds the depth.
"""

from __future__ import annotations

import json
import math
import re
import sys

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32
# Where an error about the body as a whole goes (DRF's name for it).
WHOLE = "non_field_errors"
OUT_OF_RANGE = _("数值超出范围")
UNSTORABLE_TEXT = _("含有无法保存的字符（空字符或无效的 UTF-8 编码）")
TOO_DEEP = _("嵌套层数过多（最多 %(limit)d 层）")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
WHITESPACE = re.compile(r"[ \t\n\r]*")


def _number(text: str) -> float | int:
    """A JSON integer as an int, or infinity (out of range, refused below) when it has more
    digits than Python converts."""
    limit = sys.get_int_max_str_digits()
    return int(text) if not limit or len(text.lstrip("-")) <= limit else math.inf


def _refusals(data) -> dict[str, list[str]]:
    """The members of ``data`` no field can hold, by dotted path (depth: by top-level member)."""
    errors: dict[str, list[str]] = {}
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        where = path or WHOLE
        if isinstance(value, float) and not math.isfinite(value):
            errors[where] = [str(OUT_OF_RANGE)]
        elif isinstance(value, str) and UNSTORABLE.search(value):
            errors[where] = [str(UNSTORABLE_TEXT)]
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                errors[path.split(".")[0]] = [str(TOO_DEEP % {"limit": MAX_DEPTH})]
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and UNSTORABLE.search(key):
                    errors[where] = [str(UNSTORABLE_TEXT)]
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
    return errors


def _too_deep_member(text: str) -> str:
    """The top-level member whose value nests too deep for the scanner (the body itself when it
    is no object, or when its members cannot be told apart)."""
    decoder = json.JSONDecoder()
    at = WHITESPACE.match(text).end()
    if not text.startswith("{", at):
        return WHOLE
    at += 1
    try:
        while True:
            key, at = decoder.raw_decode(text, WHITESPACE.match(text, at).end())
            at = WHITESPACE.match(text, at).end() + 1  # past ":"
            try:
                _value, at = decoder.raw_decode(text, WHITESPACE.match(text, at).end())
            except RecursionError:
                return str(key)
            at = WHITESPACE.match(text, at).end() + 1  # past ","
    except (ValueError, IndexError):
        return WHOLE


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding, errors="surrogateescape")
        except (LookupError, UnicodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            data = json.loads(text, parse_constant=float, parse_int=_number)
        except RecursionError:
            raise ValidationError({_too_deep_member(text): [str(TOO_DEEP % {"limit": MAX_DEPTH})]}) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if errors := _refusals(data):
            raise ValidationError(errors)
        return data
