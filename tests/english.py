"""What counts as an untranslated English message, for the API walk and the browser walk alike.

A Chinese page may carry codes, acronyms and technical names (JSON, GeoJSON, WGS-84, Content-Type,
a field's or a code's own name): those are no translation left undone. Any other run of three or
more ASCII letters in a message a person reads is English that slipped through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Acronyms, formats, units and proper names that read the same in a Chinese sentence; "English" is
# the language switch naming its own language; AppID/AppSecret/EncodingAESKey are the field names
# the WeChat platform's own console shows, which an administrator copies from; FixMyStreet is the
# name of the citizen-reporting product that Open311 clients are (mySociety's).
_ALLOWED_TEXT = """
    API APIs JSON GeoJSON CSV Excel XLSX PDF PNG JPEG JPG GIF WebP SVG HEIC ZIP URL URI HTTP HTTPS
    ID IDs WGS GCJ GPS UTC ISO SMS OTP CSRF IP IPv SQL SQLite PostgreSQL Redis Celery Django Ninja
    OpenAPI Swagger Leaflet OpenStreetMap OSM Vue Element Plus ECharts Node npm KB MB GB TB px
    Zhiguan Bearer Token UUID Unicode ASCII UTF SHA true false null Cookie App LDAP Accept Mac
    Ctrl Alt Shift Enter Esc Tab
    AppID AppSecret EncodingAESKey
    FixMyStreet
    English
"""
ALLOWED = {word.lower() for word in _ALLOWED_TEXT.split()}

# Whole technical tokens: a header name, a media type, an address, an ISO time, an e-mail address.
_TECHNICAL = re.compile(
    r"https?://\S+"
    r"|/[A-Za-z0-9_./{}\-]+"
    r"|\b[a-z]+/[a-z0-9.+\-]+\b"
    r"|\bContent-Type\b|\bAccept-Language\b|\bIdempotency-Key\b|\bX-CSRFToken\b"
    r"|\b[\w.+-]+@[\w-]+\.[\w.]+\b"
    r"|\b\d{4}-\d\d-\d\dT[\d:.+\-Z]*"
    r"|\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b"  # a time zone: Asia/Shanghai
    r"|\S*\*{3,}\S*"  # a masked value: a phone, a password digest
    r"|\bOpen311\b|\bGeoReport\b"  # the standard's name
    r"|\bo311_\w+"  # an Open311 API key's visible prefix (o311_<hex>_…)
    r"|\bYYYY-MM-DD\b|\bHH:MM(?::SS)?\b"
    # A code or key name quoted in a sentence: '…', “…”, "…"; a hexadecimal id (H3 cells, digests).
    r"|'[A-Za-z0-9_.\-]+'|“[A-Za-z0-9_.\-]+”|\"[A-Za-z0-9_.\-]+\"|\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b"
)
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words in `text`: runs of 3+ ASCII letters that are no acronym, code or name.

    `allowed` adds the values a message may quote (a field's name, a code, the data shown).
    """
    extra = set()
    for value in allowed:
        extra |= {w.lower() for w in _WORD.findall(str(value))}
    cleaned = _TECHNICAL.sub(" ", text)
    # snake_case and dotted identifiers (field names, codes, "org.department.created") are quoted, not prose.
    cleaned = re.sub(r"\b[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)+\b", " ", cleaned)
    return [
        w
        for w in _WORD.findall(cleaned)
        # Short capitals are codes and acronyms (CGJ, HBJ, GOV: department codes; LDAP), not prose.
        if w.lower() not in ALLOWED and w.lower() not in extra and not (w.isupper() and len(w) <= 5)
    ]


def has_chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))
