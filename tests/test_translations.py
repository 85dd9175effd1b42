"""The Simplified Chinese catalogue is complete and the compiled file matches it.

A message added to the code needs `make messages` and a translation; a .po edited without
recompiling would silently serve the old text. Both are caught here.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import zhiguan

LOCALE = Path(zhiguan.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries() -> list[tuple[str | None, str, str, set[str]]]:
    """(context, msgid, msgstr, flags) of every entry of the .po file, header excluded."""
    entries, flags, fields, current = [], set(), {}, None
    for raw in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            current, _, value = line.partition(" ")
            # A plural entry (msgid_plural, msgstr[0]): Chinese has one form, checked as msgstr.
            if current == "msgid_plural":
                flags.add("plural")
            current = "msgstr" if current.startswith("msgstr[") else current
            fields[current] = ast.literal_eval(value)
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
        elif not line and "msgid" in fields:
            if fields["msgid"]:
                entries.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgstr", ""), flags))
            flags, fields, current = set(), {}, None
    return entries


def test_every_message_has_a_reviewed_translation():
    entries = _entries()
    assert len(entries) > 300
    missing = [msgid for _, msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for _, msgid, _, flags in entries if "fuzzy" in flags]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy (review them): {fuzzy[:10]}"


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    def served(context: str | None, msgid: str, flags: set[str]) -> str:
        if "plural" in flags:
            return compiled.ngettext(msgid, msgid, 1)
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    stale = [msgid for context, msgid, msgstr, flags in _entries() if served(context, msgid, flags) != msgstr]
    assert not stale, f"run `make messages`: the .mo is older than the .po for {stale[:5]}"
