"""Compile every .po catalogue under LOCALE_PATHS to .mo, with polib instead of GNU gettext.

Django's compilemessages shells out to msgfmt, which a fresh machine or a slim container image
often lacks; polib is pure Python and pinned. A catalogue that would make a bad .mo stops the
command with an error naming the file, rather than shipping a half-translated product:

1. every line must be PO syntax: polib alone forgives an unterminated string by dropping a
   character, so a line check runs first;
2. it must parse (entries in order, no duplicates);
3. each python-format entry's placeholders must be the same in msgid and msgstr, as msgfmt
   --check-format asks, since a mismatch raises at render time.

Untranslated and fuzzy entries are left out of the .mo (the Chinese source shows) and reported.
"""

import os
import re
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

_STRING = r'"(?:[^"\\]|\\.)*"'
# A comment (obsolete #~ entries included), a keyword with its string, a continued string, or blank.
_PO_LINE = re.compile(rf"\s*(?:#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_STRING}\s*|)")

# %(name)s, %s, %d, %.2f …, and {name} / {0} for python-brace-format; %% is a literal percent.
_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _placeholders(text: str, flags: list[str]) -> list[str]:
    found: list[str] = []
    if "python-format" in flags:
        found += [m.group(0) for m in _PERCENT.finditer(text) if m.group("type") != "%"]
    if "python-brace-format" in flags:
        found += ["{" + m.group(1) + "}" for m in _BRACE.finditer(text)]
    return sorted(found)


def _syntax_errors(text: str) -> list[str]:
    lines = enumerate(text.splitlines(), 1)
    return [f"line {number}: {line!r}" for number, line in lines if not _PO_LINE.fullmatch(line)]


def _format_errors(entry: polib.POEntry) -> list[str]:
    if not entry.translated():
        return []
    translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    expected = _placeholders(entry.msgid, entry.flags)
    plural_expected = _placeholders(entry.msgid_plural, entry.flags) if entry.msgid_plural else expected
    errors = []
    for text in translations:
        got = _placeholders(text, entry.flags)
        if got not in (expected, plural_expected):
            errors.append(f"line {entry.linenum}: {entry.msgid!r}: placeholders {got} in msgstr, expected {expected}")
    return errors


class Command(BaseCommand):
    help = "Compile the .po catalogues under LOCALE_PATHS to .mo files (pure Python, no GNU gettext)."

    requires_system_checks = []

    def handle(self, *args, **options):
        po_paths = sorted(path for root in settings.LOCALE_PATHS for path in Path(root).rglob("*.po"))
        if not po_paths:
            raise CommandError(f"No .po files under LOCALE_PATHS ({', '.join(map(str, settings.LOCALE_PATHS))})")
        for po_path in po_paths:
            self._compile(po_path)

    def _compile(self, po_path: Path) -> None:
        try:
            text = po_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{po_path}: {exc}") from exc
        if errors := _syntax_errors(text):
            raise CommandError(f"{po_path}: syntax error:\n  " + "\n  ".join(errors[:10]))
        try:
            catalogue = polib.pofile(text, check_for_duplicates=True)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{po_path}: {exc}") from exc

        errors = [error for entry in catalogue for error in _format_errors(entry)]
        if errors:
            raise CommandError(f"{po_path}: broken placeholders:\n  " + "\n  ".join(errors))

        mo_path = po_path.with_suffix(".mo")
        # Write beside the target, then rename: a server reading the catalogue, or another test
        # process compiling it at the same time, never sees a half-written file.
        fd, tmp_name = tempfile.mkstemp(dir=po_path.parent, prefix=f".{po_path.stem}.", suffix=".mo")
        os.close(fd)
        try:
            catalogue.save_as_mofile(tmp_name)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

        translated = len(catalogue.translated_entries())
        self.stdout.write(f"Compiled {po_path} → {mo_path.name} ({translated} messages)")
        left_out = len(catalogue.untranslated_entries()) + len(catalogue.fuzzy_entries())
        if left_out:
            self.stderr.write(self.style.WARNING(f"  {left_out} untranslated or fuzzy messages left out"))
