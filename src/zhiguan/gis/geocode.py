"""The geocoder (地址匹配): a caller's address words → a point, and a point → the nearest standard address.

`geocode(jurisdiction_id=, text=)` is the public entry (the intake console, Open311 `address_string`).
It matches against the jurisdiction's standard addresses (gis.StandardAddress), points of interest
(gis.Poi, estates included) and roads (gis.Road, for crossings and bare road names), through an
in-memory index per jurisdiction rebuilt when the change token of any of the three registries
changes (`registries.versions`).

Parsing: the text is normalised (full-width → half-width, 號/栋/座/号楼 → 号/幢, Chinese numerals
→ digits, "3-2-301" → 3幢2单元301室), province/city/district/street/community prefixes and filler
words ("我家在", "就在…旁边") are dropped, the numbers (号, 幢, 单元, 室) are taken out and the rest is
split into name chunks (at 与/和/跟, and after a road's 路/街/巷). Each chunk is matched exactly with a
jieba tokenizer whose user dictionary is the jurisdiction's own names (one Tokenizer per index), else
fuzzily (rapidfuzz) among the names sharing a character bigram with it (an inverted index, so the
cost does not grow with the 200,000 addresses). The structure then decides the answer: estate +
building/unit/room, road + number (the nearest number on the same road when that one does not
exist), two roads (their crossing, computed with shapely), a landmark or estate, a bare road.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import jieba
import numpy as np
import shapely
import shapely.ops
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from zhiguan.errors import InvalidInput, NotFound, OutsideJurisdiction
from zhiguan.geo.crs import WGS84, check_crs, haversine_m, to_wgs84

jieba.setLogLevel(logging.WARNING)

REGISTRIES = ("addresses", "pois", "roads")
MAX_CACHED = 4  # jurisdictions kept in memory
MIN_SCORE = 0.55  # below this a name is a candidate, not a match
# A missing door number: the other side of the road wins when the same side is this many numbers farther.
SIDE_SLACK = 10
MAX_TEXT = 200

# Precision of each address level.
LEVEL_PRECISION = {"door": "door", "building": "building", "unit": "building", "room": "room"}

CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_NUM = r"[零〇一二两三四五六七八九十百千]+"
UNIT_WORDS = r"(?=号|幢|栋|座|单元|室|楼|层|弄|期)"
_cn_before_unit = re.compile(rf"({CN_NUM}){UNIT_WORDS}")
_cn_after_unit = re.compile(rf"(?<=单元)({CN_NUM})$")
_dash3 = re.compile(r"(\d+)[-—－](\d+)[-—－](\d+)")

PREFIXES = ("浙江省", "浙江", "杭州市", "杭州", "钱塘新区", "钱塘区", "钱塘")
LEAD_FILLERS = re.compile(
    r"^(?:请问|你好|喂|我家住在|我家在|我家是|我家|我住在|我住|我们在|就在|位于|地址是|地址|在)+"
)
# Words around a landmark: the place itself is near, not at, the point.
RELATIVE = re.compile(
    r"(附近|旁边|边上|对面|门口|门前|东侧|西侧|南侧|北侧|东边|西边|南边|北边|后面|前面|隔壁|周边|一带|那里|这里|那边|这边|那儿|这儿|里面|楼下|那一段|这一段)"
)
FILLERS = re.compile(r"(那个|这个|的|了|啊|呢|吧|小区里|小区)")
CROSSING = re.compile(r"(十字路口|交叉口|交叉的地方|交叉处|交界处|交口|(?<=[路街巷道])路口|口)$")
CONNECTOR = re.compile(r"(?<=[路街巷道])[与和跟及交/、,，&]")  # between two roads, not inside 和润苑
ROAD_END = re.compile(r"(?<=[路街巷道])(?=[\u4e00-\u9fff])")
NUMBER_TOKEN = re.compile(r"(\d+)(号|幢|单元|室|弄)?")


def _cn_value(s: str) -> int:
    if not any(c in s for c in "十百千"):
        return int("".join(str(CN_DIGIT[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c in CN_DIGIT:
            current = CN_DIGIT[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += current * 100
            current = 0
        elif c == "千":
            total += current * 1000
            current = 0
    return total + current


def _cn_digits(s: str) -> str:
    # Room numbers are said digit by digit (一一零一), door numbers as a value (八十八).
    if not any(c in s for c in "十百千"):
        return "".join(str(CN_DIGIT[c]) for c in s)
    return str(_cn_value(s))


def normalize(text: str) -> str:
    """Half-width, no spaces, digits for Chinese numerals, one spelling for 号/幢/单元/室."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t).replace("號", "号").replace("楼栋", "幢")
    t = t.replace("号楼下", "号")  # downstairs of number N
    t = _dash3.sub(r"\1幢\2单元\3室", t)
    t = _cn_before_unit.sub(lambda m: _cn_digits(m.group(1)), t)
    t = _cn_after_unit.sub(lambda m: _cn_digits(m.group(1)), t)
    t = re.sub(r"(\d+)(?:栋|座|号楼|号幢|幢楼)", r"\1幢", t)
    t = re.sub(r"(\d+)单元(\d{3,4})(?!\d|室)", r"\1单元\2室", t)
    t = re.sub(r"(\d+)(?:层|楼)(?!下)", "", t)  # the floor is in the room number
    return t


@dataclass
class Match:
    address: str
    code: str
    kind: str  # address | poi | intersection | road
    lng: float
    lat: float
    precision: str  # room | building | door | poi | intersection | road
    score: float


@dataclass
class Parsed:
    chunks: list[str]
    door: int | None = None
    building: int | None = None
    unit: int | None = None
    room: str | None = None
    bare_number: int | None = None
    relative: bool = False
    crossing: bool = False
    connector: bool = False


@dataclass
class Name:
    text: str
    kind: str  # road | poi
    ref: int


@dataclass
class RoadEntry:
    code: str
    name: str
    line: shapely.Geometry | None
    numbers: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    number_addr: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


@dataclass
class PoiEntry:
    code: str
    name: str
    kind: str
    lng: float | None
    lat: float | None
    address: str


def _int(s: str) -> int | None:
    m = re.match(r"\d+", s or "")
    return int(m.group()) if m else None


def _grams(s: str) -> set[str]:
    """Characters and character pairs: the keys of the name postings."""
    return set(s) | {s[i : i + 2] for i in range(len(s) - 1)}


def _names_tokenizer(words: Any) -> jieba.Tokenizer:
    """A jieba Tokenizer whose only dictionary is the jurisdiction's names (no 30 MB general one)."""
    tok = jieba.Tokenizer()
    lines = "".join(f"{w} {1000 * len(w)}\n" for w in words if w and " " not in w)
    tok.FREQ, tok.total = tok.gen_pfdict(io.BytesIO(lines.encode("utf-8") or b"_ 1\n"))
    tok.initialized = True
    return tok


class GeocodeIndex:
    """One jurisdiction's names, numbers and points; immutable once built (safe across threads)."""

    def __init__(
        self,
        token: tuple[str, ...],
        *,
        roads: list[tuple[Any, ...]],
        pois: list[tuple[Any, ...]],
        addresses: list[tuple[Any, ...]],
        area_names: list[str],
    ):
        self.token = token
        self.roads: list[RoadEntry] = []
        road_of_id: dict[int, int] = {}
        road_of_name: dict[str, int] = {}
        names: list[Name] = []
        for rid, code, name, aliases, geometry in roads:
            line = shapely.from_wkb(bytes(geometry)) if geometry else None
            road_of_id[rid] = len(self.roads)
            road_of_name.setdefault(name, len(self.roads))
            names.append(Name(name, "road", len(self.roads)))
            names.extend(Name(a, "road", len(self.roads)) for a in aliases or [] if a)
            self.roads.append(RoadEntry(code, name, line))
        self.pois: list[PoiEntry] = []
        poi_of_id: dict[int, int] = {}
        for pid, code, name, kind, aliases, lng, lat, address in pois:
            poi_of_id[pid] = len(self.pois)
            names.append(Name(name, "poi", len(self.pois)))
            names.extend(Name(a, "poi", len(self.pois)) for a in aliases or [] if a)
            self.pois.append(PoiEntry(code, name, kind, lng, lat, address))
        n = len(addresses)
        self.codes: list[str] = []
        self.texts: list[str] = []
        self.levels: list[str] = []
        self.estate_of = np.full(n, -1, dtype=np.int64)
        self.lng = np.empty(n)
        self.lat = np.empty(n)
        self.in_estate: dict[tuple[int, int, int | None, str | None], int] = {}
        by_road: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, (
            code,
            level,
            text,
            road_id,
            road_name,
            house,
            estate_id,
            bno,
            uno,
            rno,
            lng,
            lat,
        ) in enumerate(addresses):
            self.codes.append(code)
            self.texts.append(text)
            self.levels.append(level)
            self.lng[i] = lng if lng is not None else np.nan
            self.lat[i] = lat if lat is not None else np.nan
            r = road_of_id.get(road_id) if road_id is not None else None
            if r is None and road_name:
                r = road_of_name.get(road_name)
                if r is None:
                    r = road_of_name[road_name] = len(self.roads)
                    names.append(Name(road_name, "road", r))
                    self.roads.append(RoadEntry("", road_name, None))
            number = _int(house)
            if r is not None and number is not None and level == "door":
                by_road[r].append((number, i))
            e = poi_of_id.get(estate_id) if estate_id is not None else None
            b = _int(bno)
            if e is not None:
                self.estate_of[i] = e
                if b is not None:
                    room = (_int(rno) and str(_int(rno))) or None
                    self.in_estate.setdefault((e, b, _int(uno), room), i)
        for r, pairs in by_road.items():
            pairs.sort()
            self.roads[r].numbers = np.array([p[0] for p in pairs], dtype=np.int64)
            self.roads[r].number_addr = np.array([p[1] for p in pairs], dtype=np.int64)
        # Names: exact lookup, bigram postings, and a tokenizer that keeps each name whole.
        self.names = names
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for k, nm in enumerate(names):
            self.exact[nm.text].append(k)
            for g in _grams(nm.text):
                self.postings[g].append(k)
        self.tokenizer = _names_tokenizer(self.exact)
        # Names with digits in them (下沙's 1号大街 … 29号大街, 6号线): kept whole when the text's
        # numbers are taken out, or "11号大街517号" would read as door 11 of 大街.
        digit_names = sorted({normalize(n) for n in self.exact if re.search(r"\d", n)}, key=len, reverse=True)
        self.digit_names = (
            re.compile("|".join(re.escape(n) for n in digit_names if n)) if digit_names else None
        )
        self.area_words = sorted({w for w in area_names if len(w) >= 2}, key=len, reverse=True)
        # Reverse geocoding: door and building addresses sorted by longitude.
        usable = np.array([lv in ("door", "building") for lv in self.levels], dtype=bool) & ~np.isnan(
            self.lng
        )
        idx = np.nonzero(usable)[0]
        order = np.argsort(self.lng[idx], kind="stable")
        self.rev_idx = idx[order]
        self.rev_lng = self.lng[self.rev_idx]
        self.rev_lat = self.lat[self.rev_idx]

    # -- parsing ------------------------------------------------------------------------------
    def parse(self, text: str) -> Parsed:
        t = normalize(text)
        changed = True
        while changed:
            changed = False
            t2 = LEAD_FILLERS.sub("", t)
            for p in PREFIXES + tuple(self.area_words):
                if t2.startswith(p) and len(t2) > len(p):
                    t2 = t2[len(p) :]
            if t2 != t:
                t, changed = t2, True
        crossing = bool(CROSSING.search(t))
        t = CROSSING.sub("", t)
        relative = bool(RELATIVE.search(t))
        t = RELATIVE.sub("", t)
        if t.endswith("上") and len(t) > 2:
            t = t[:-1]
        t = FILLERS.sub("", t)
        parsed = Parsed(chunks=[], relative=relative, crossing=crossing, connector=bool(CONNECTOR.search(t)))
        masks: dict[str, str] = {}
        if self.digit_names is not None:

            def _mask(m: re.Match[str]) -> str:
                key = chr(0xE000 + len(masks))  # a private-use character: never in real text
                masks[key] = m.group()
                return key

            t = self.digit_names.sub(_mask, t)
        names: list[str] = []
        last = 0
        for m in NUMBER_TOKEN.finditer(t):
            names.append(t[last : m.start()])
            last = m.end()
            value, unit = int(m.group(1)), m.group(2)
            if unit == "室":
                parsed.room = m.group(1)
            elif unit == "单元":
                parsed.unit = value
            elif unit == "幢":
                parsed.building = value
            elif unit in ("号", "弄"):
                parsed.door = value if parsed.door is None else parsed.door
            elif parsed.bare_number is None:
                parsed.bare_number = value
        names.append(t[last:])
        for key, name in masks.items():
            names = [part.replace(key, name) for part in names]
        for part in names:
            for piece in CONNECTOR.split(part):
                parsed.chunks.extend(c for c in self._split_roads(piece) if c)
        return parsed

    def _split_roads(self, piece: str) -> list[str]:
        """Split after a road's 路/街/巷 unless a known name runs across ("文泽路地铁站")."""
        cuts = [m.start() for m in ROAD_END.finditer(piece)]
        if not cuts:
            return [piece]
        bounds, at = set(), 0
        for w in self.tokenizer.cut(piece, HMM=False):
            at += len(w)
            bounds.add(at)
        out, last = [], 0
        for c in cuts:
            if c in bounds:
                out.append(piece[last:c])
                last = c
        out.append(piece[last:])
        return out

    # -- name matching ------------------------------------------------------------------------
    def match_names(self, chunk: str, limit: int = 5) -> list[tuple[float, int]]:
        """(score 0..1, name index) for one chunk of text, best first."""
        out: dict[int, float] = {}
        if chunk in self.exact:
            for k in self.exact[chunk]:
                out[k] = 1.0
        else:
            for w in self.tokenizer.cut(chunk, HMM=False):
                for k in self.exact.get(w, ()):
                    # A name inside the chunk: the more of the chunk it explains, the surer.
                    out[k] = max(out.get(k, 0), 0.5 + 0.5 * len(w) / len(chunk))
            counts: dict[int, int] = defaultdict(int)
            for g in _grams(chunk):
                for k in self.postings.get(g, ()):
                    counts[k] += 1
            top = sorted(counts, key=lambda k: -counts[k])[:40]
            for k in top:
                s = fuzz.ratio(chunk, self.names[k].text) / 100
                if s > out.get(k, 0):
                    out[k] = s
        ranked = sorted(out.items(), key=lambda kv: (-kv[1], -len(self.names[kv[0]].text), kv[0]))
        return [(s, k) for k, s in ranked[: limit * 3]]

    # -- answers ------------------------------------------------------------------------------
    def _address(self, i: int, score: float, precision: str | None = None) -> Match:
        return Match(
            address=self.texts[i],
            code=self.codes[i],
            kind="address",
            lng=float(self.lng[i]),
            lat=float(self.lat[i]),
            precision=precision or LEVEL_PRECISION.get(self.levels[i], "door"),
            score=round(score, 3),
        )

    def _poi(self, p: int, score: float) -> Match | None:
        poi = self.pois[p]
        if poi.lng is None or poi.lat is None:
            return None
        return Match(poi.address or poi.name, poi.code, "poi", poi.lng, poi.lat, "poi", round(score, 3))

    def _road_number(self, r: int, number: int, score: float) -> Match | None:
        road = self.roads[r]
        if not len(road.numbers):
            return self._road(r, score * 0.6)
        k = int(np.searchsorted(road.numbers, number))
        if k < len(road.numbers) and road.numbers[k] == number:
            return self._address(int(road.number_addr[k]), score)
        # The nearest number on the same road, same side (parity) first — unless that side ends
        # long before the number and the other side has a door right there (683 for a missing 682).
        gaps = np.abs(road.numbers - number)
        same = road.numbers % 2 == number % 2
        j = int(np.argmin(gaps))
        if same.any():
            side = np.nonzero(same)[0]
            k_same = int(side[np.argmin(gaps[side])])
            if gaps[k_same] <= gaps[j] + SIDE_SLACK:
                j = k_same
        gap = int(gaps[j])
        m = self._address(int(road.number_addr[j]), score * max(0.5, 0.85 - 0.01 * gap))
        m.address = _("%(road)s%(number)s号 (no such number; nearest: %(address)s)") % {
            "road": road.name,
            "number": number,
            "address": self.texts[int(road.number_addr[j])],
        }
        return m

    def _road(self, r: int, score: float) -> Match | None:
        road = self.roads[r]
        if road.line is None:
            return None
        mid = road.line.interpolate(0.5, normalized=True)
        return Match(road.name, road.code, "road", mid.x, mid.y, "road", round(score, 3))

    def _crossing(self, a: int, b: int, score: float) -> Match | None:
        ra, rb = self.roads[a], self.roads[b]
        if ra.line is None or rb.line is None:
            return None
        x = ra.line.intersection(rb.line)
        if x.is_empty:
            # Not crossing: the nearest points of the two lines (a T that stops short).
            pa, pb = shapely.ops.nearest_points(ra.line, rb.line)
            dist = haversine_m(pa.x, pa.y, pb.x, pb.y)
            if dist > 300:
                return None
            x, score = shapely.Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2), score * 0.8
        p = x if x.geom_type == "Point" else x.centroid if x.geom_type != "MultiPoint" else x.geoms[0]
        return Match(
            f"{ra.name}与{rb.name}交叉口",
            f"{ra.code}x{rb.code}",
            "intersection",
            p.x,
            p.y,
            "intersection",
            round(score, 3),
        )

    def _estate(self, p: int, parsed: Parsed, score: float) -> Match | None:
        b = parsed.building if parsed.building is not None else parsed.door or parsed.bare_number
        if b is None:
            return self._poi(p, score * (0.95 if parsed.relative else 1.0))
        for key, factor in (
            ((p, b, parsed.unit, parsed.room), 1.0),
            ((p, b, parsed.unit, None), 0.9),
            ((p, b, None, None), 0.85),
        ):
            if key[2] is None and key[3] is not None:
                continue
            i = self.in_estate.get(key)  # type: ignore[arg-type]
            if i is not None:
                if (parsed.room is None and parsed.unit is None) or factor == 1.0:
                    return self._address(i, score)
                return self._address(i, score * factor)
        return self._poi(p, score * 0.7)

    def resolve(self, parsed: Parsed, limit: int) -> tuple[list[Match], list[tuple[float, str]]]:
        per_chunk = [(c, self.match_names(c)) for c in parsed.chunks]
        per_chunk = [(c, m) for c, m in per_chunk if m]
        near = sorted(
            {self.names[k].text: s for _c, ms in per_chunk for s, k in ms}.items(), key=lambda kv: -kv[1]
        )
        near_text = [(s, t) for t, s in near[:5]]
        if not per_chunk:
            return [], near_text
        matches: list[Match] = []
        has_numbers = any(x is not None for x in (parsed.door, parsed.building, parsed.unit, parsed.room))
        road_chunks = [
            (ms[0][0], self.names[ms[0][1]].ref, ms)
            for _c, ms in per_chunk
            if ms[0][0] >= MIN_SCORE and self.names[ms[0][1]].kind == "road"
        ]
        if len(road_chunks) >= 2 and (parsed.crossing or parsed.connector or not has_numbers):
            ma, mb = road_chunks[0][2], road_chunks[1][2]
            for s1, k1 in ma[:3]:
                for s2, k2 in mb[:3]:
                    ra, rb = self.names[k1].ref, self.names[k2].ref
                    if self.names[k1].kind == "road" and self.names[k2].kind == "road" and ra != rb:
                        x = self._crossing(ra, rb, min(s1, s2))
                        if x is not None:
                            matches.append(x)
        # The most specific chunk: an estate with numbers, else a road with a number, else names.
        for _chunk, ms in per_chunk:
            for s, k in ms:
                nm = self.names[k]
                m: Match | None
                if nm.kind == "poi":
                    if self.pois[nm.ref].kind == "estate" or parsed.building is not None:
                        m = self._estate(nm.ref, parsed, s)
                    else:
                        m = self._poi(nm.ref, s * (0.95 if parsed.relative else 1.0))
                        if m is not None and has_numbers:
                            m.score = round(m.score * 0.9, 3)
                else:
                    number = parsed.door if parsed.door is not None else parsed.bare_number
                    if number is not None and parsed.building is None:
                        m = self._road_number(nm.ref, number, s)
                    elif len(per_chunk) == 1 or not has_numbers:
                        m = self._road(nm.ref, s * 0.9)
                    else:
                        m = self._road(nm.ref, s * 0.6)
                if m is not None:
                    matches.append(m)
        best: dict[str, Match] = {}
        for m in matches:
            if m.code not in best or best[m.code].score < m.score:
                best[m.code] = m
        order = {"room": 0, "building": 1, "door": 2, "intersection": 2, "poi": 3, "road": 4}
        ranked = sorted(best.values(), key=lambda m: (-m.score, order[m.precision]))
        return ranked[: limit + 1], near_text

    def reverse(self, lng: float, lat: float) -> tuple[int, float] | None:
        """The nearest door or building address (index, metres), searching a widening window."""
        if not len(self.rev_idx):
            return None
        for half in (0.002, 0.01, 0.05, 1.0):
            lo, hi = np.searchsorted(self.rev_lng, [lng - half, lng + half])
            if hi <= lo:
                continue
            window_lat = self.rev_lat[lo:hi]
            inside = np.abs(window_lat - lat) <= half
            if not inside.any():
                continue
            cand = np.nonzero(inside)[0] + lo
            d = haversine_m(lng, lat, self.rev_lng[cand], self.rev_lat[cand])
            j = int(np.argmin(d))
            # The window is square in degrees: the answer is sure once it is nearer than the window edge.
            if d[j] <= half * 96_000 or half == 1.0:
                return int(self.rev_idx[cand[j]]), float(d[j])
        return None


# -- the index cache ----------------------------------------------------------------------------
_cache: OrderedDict[int, GeocodeIndex] = OrderedDict()
_lock = threading.Lock()


def _token(jurisdiction_id: int) -> tuple[str, ...]:
    """The change tokens of addresses, POIs and roads, in one query (`registries.versions`)."""
    from zhiguan.registries.models import RegistryVersion

    found = dict(
        RegistryVersion.objects.filter(jurisdiction_id=jurisdiction_id, registry__in=REGISTRIES).values_list(
            "registry", "token"
        )
    )
    return tuple(found.get(r, "") for r in REGISTRIES)


def build_index(jurisdiction_id: int, token: tuple[str, ...] | None = None) -> GeocodeIndex:
    from zhiguan.geo.models import Area
    from zhiguan.gis.models import Poi, Road, StandardAddress

    token = token if token is not None else _token(jurisdiction_id)
    active = {"jurisdiction_id": jurisdiction_id, "retired_at__isnull": True}
    roads = list(
        Road.objects.filter(**active)
        .order_by("code")
        .values_list("id", "code", "name", "aliases", "geometry")
    )
    pois = list(
        Poi.objects.filter(**active)
        .order_by("code")
        .values_list("id", "code", "name", "kind", "aliases", "lng", "lat", "address")
    )
    addresses = list(
        StandardAddress.objects.filter(**active)
        .order_by("code")
        .values_list(
            "code",
            "level",
            "address",
            "road_id",
            "road_name",
            "house_number",
            "estate_id",
            "building_no",
            "unit_no",
            "room_no",
            "lng",
            "lat",
        )
    )
    area_names: list[str] = []
    for level, name in Area.objects.filter(jurisdiction_id=jurisdiction_id, active=True).values_list(
        "level", "name"
    ):
        if level != "grid":
            area_names.append(name)
    return GeocodeIndex(token, roads=roads, pois=pois, addresses=addresses, area_names=area_names)


def get_index(jurisdiction_id: int) -> GeocodeIndex:
    """The jurisdiction's index, rebuilt when addresses, POIs or roads changed since it was built."""
    token = _token(jurisdiction_id)
    cached = _cache.get(jurisdiction_id)
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _cache.get(jurisdiction_id)
        if cached is not None and cached.token == token:
            _cache.move_to_end(jurisdiction_id)
            return cached
        index = build_index(jurisdiction_id, token)
        _cache[jurisdiction_id] = index
        _cache.move_to_end(jurisdiction_id)
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
        return index


# -- the public functions -----------------------------------------------------------------------
@dataclass
class Areas:
    street_id: int | None = None
    street_code: str | None = None
    street_name: str | None = None
    community_id: int | None = None
    community_code: str | None = None
    community_name: str | None = None
    grid_id: int | None = None
    grid_code: str | None = None
    grid_name: str | None = None


@dataclass
class GeocodeResult:
    matched: Match
    score: float
    areas: Areas
    candidates: list[Match]


def _areas(jurisdiction_id: int, lng: float, lat: float) -> Areas:
    from zhiguan.geo.services import locate

    try:
        where = locate(jurisdiction_id=jurisdiction_id, lng=lng, lat=lat)
    except OutsideJurisdiction:
        return Areas()
    return Areas(**{k: getattr(where, k) for k in Areas.__dataclass_fields__})


def geocode(*, jurisdiction_id: int, text: str, limit: int = 5) -> GeocodeResult:
    """The best standard address, POI, crossing or road for `text`, with up to `limit` alternatives.

    Raises InvalidInput (`address_empty`) for empty text, NotFound (`address_not_found`, with
    `candidates`: the nearest names by text) when nothing matches well enough.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Type an address."), code="address_empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("The address is too long."), code="address_too_long", max_length=MAX_TEXT)
    limit = max(1, min(int(limit), 10))
    index = get_index(jurisdiction_id)
    parsed = index.parse(text)
    ranked, near = index.resolve(parsed, limit)
    if not ranked or ranked[0].score < MIN_SCORE:
        candidates = [{"text": t, "score": round(s, 3)} for s, t in near] or [
            {"text": m.address, "score": m.score} for m in ranked[:5]
        ]
        raise NotFound(
            _("No standard address matches these words."), code="address_not_found", candidates=candidates
        )
    best = ranked[0]
    return GeocodeResult(
        matched=best,
        score=best.score,
        areas=_areas(jurisdiction_id, best.lng, best.lat),
        candidates=ranked[1 : limit + 1],
    )


@dataclass
class ReverseResult:
    address: str
    code: str
    level: str
    lng: float
    lat: float
    distance_m: float
    estate_code: str | None
    estate_name: str | None
    areas: Areas


def reverse_geocode(*, jurisdiction_id: int, lng: float, lat: float, crs: str = WGS84) -> ReverseResult:
    """The nearest door or building standard address to a point (given in `crs`), with the distance."""
    check_crs(crs)
    wlng, wlat = to_wgs84(float(lng), float(lat), crs)
    index = get_index(jurisdiction_id)
    hit = index.reverse(wlng, wlat)
    if hit is None:
        raise NotFound(_("There is no standard address yet."), code="address_not_found", candidates=[])
    i, dist = hit
    e = int(index.estate_of[i])
    estate = index.pois[e] if e >= 0 else None
    return ReverseResult(
        address=index.texts[i],
        code=index.codes[i],
        level=index.levels[i],
        lng=float(index.lng[i]),
        lat=float(index.lat[i]),
        distance_m=round(dist, 1),
        estate_code=estate.code if estate else None,
        estate_name=estate.name if estate else None,
        areas=_areas(jurisdiction_id, wlng, wlat),
    )
