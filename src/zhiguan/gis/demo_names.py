"""Names for the demo base map: real ones read from the shared data set at run time, generated ones.

Real (read at run time from `<data_dir>/geo_qiantang/`, never copied into the repository, see its
SOURCE.md): the 下沙 residential estates of a 2019 listings scrape and the Line-1 metro stations
through 下沙. Everything else is generated here in the style of the area: numbered 大街 running
north–south and 文/学/海/江-themed 路 and 街 in the core (下沙, 白杨), 经/纬-numbered roads in the
newer east (大江东), estate names from a theme and an ending (苑, 园, 府, 花园 …).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ESTATES_FILE = Path("geo_qiantang") / "xiasha_estates_lianjia_2019.csv"
METRO_FILE = Path("geo_qiantang") / "raw" / "hangzhou_metro_lines_MetroSearch.json"
# The Line-1 stretch through the district starts at the first station whose name holds this place.
STRETCH_PLACE = "下沙"

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (up to 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class RealEstate:
    name: str
    board: str  # the listing site's 板块 (金沙湖, 高教园区东 …)
    riverside: bool  # the board lies along the river (its note says so)
    floors: int | None  # total floors of the example listing, when it says


@dataclass(frozen=True)
class RealNames:
    estates: tuple[RealEstate, ...]
    stations: tuple[str, ...]  # Line-1 stations through the district, in line order


def read_real_names(data_dir: Path | None) -> RealNames:
    """The estate and station names of the shared data set; empty when it is absent."""
    estates: list[RealEstate] = []
    stations: list[str] = []
    if data_dir is None:
        return RealNames((), ())
    path = data_dir / ESTATES_FILE
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("estate_name") or "").strip()
                if not name:
                    continue
                floors = re.search(r"共(\d+)层", row.get("example_floor_info") or "")
                estates.append(
                    RealEstate(
                        name=name,
                        board=(row.get("lianjia_bankuai") or "").strip(),
                        riverside="riverside" in (row.get("bankuai_note") or ""),
                        floors=int(floors.group(1)) if floors else None,
                    )
                )
    path = data_dir / METRO_FILE
    if path.is_file():
        lines = json.loads(path.read_text(encoding="utf-8")).get("Lines", [])
        for line in lines:
            names = [str(s) for s in line.get("Stations", [])]
            start = next((i for i, s in enumerate(names) if STRETCH_PLACE in s), None)
            if start is not None:
                stations = names[start:]
                break
    return RealNames(tuple(sorted(estates, key=lambda e: e.name)), tuple(stations))


# Generated name parts, in the style of 下沙 (文/学/海/江 themes). Our own lists.
ARTERIAL_EW = (
    "文渊路", "文溪路", "海达路", "江滨路", "文景路", "海通路", "江晖路", "文澜路", "海晨路",
    "江涛路", "文华路", "海宁路", "江源路", "文博路", "海映路", "江月路",
)  # fmt: skip
SECONDARY_EW = (
    "学林街", "学源街", "学正街", "学府街", "学明街", "学海街", "学苑街", "学泉街", "学文街",
    "学知街", "学思街", "学韵街", "学仁街", "学诚街", "学睿街", "学勤街", "学信街", "学达街",
)  # fmt: skip
BRANCH_FIRST = "文学海江云沙听观望闻"
BRANCH_SECOND = "澜泽汇锦苑林源通明华晖瑞舟帆涛浦月星航棠"
ESTATE_THEMES = (
    "云澜", "金沙", "学府", "海棠", "翠苑", "星河", "江畔", "锦绣", "文澜", "沁园", "听潮", "观澜",
    "悦江", "望海", "书香", "桂语", "兰亭", "映月", "晴川", "明珠", "春晓", "和润", "嘉禾", "瑞祥",
    "景湾", "天韵", "东方", "银河", "丽晶", "柳岸", "湖畔", "朝晖", "清风", "碧水", "紫荆", "香樟",
    "海韵", "江语", "云庭", "月桂", "新城", "学苑", "鹭洲", "枫林", "晨曦", "水岸", "汇锦", "泊澜",
)  # fmt: skip
ESTATE_ENDINGS = ("苑", "园", "府", "花园", "公寓", "家园", "嘉园", "雅苑", "名邸", "华庭")
BUILDING_THEMES = (
    "金沙", "学源", "海达", "江滨", "文渊", "云帆", "钱塘", "东沙", "新湾", "智汇", "创智", "海创",
    "银泰", "星光", "汇德", "元成", "天瑞", "宏达", "润和", "华丰", "东方", "卓远", "恒信", "瑞丰",
)  # fmt: skip
BUILDING_ENDINGS = ("大厦", "商务中心", "广场", "中心", "科技园", "创业园")
CANAL_NAMES = ("文溪河", "学源河", "海达河", "江滨河", "新塘河", "中心河")
LANE_NAMES = ("陆家巷", "沈家巷", "周家巷", "施家巷", "俞家巷", "倪家巷", "闻家巷", "钟家巷")


def branch_names(rng: np.random.Generator, taken: set[str], count: int) -> list[str]:
    """`count` branch-road names (云帆路, 海澜街 …) not in `taken`, deterministic for the rng."""
    pairs = [a + b for a in BRANCH_FIRST for b in BRANCH_SECOND]
    rng.shuffle(pairs)
    out: list[str] = []
    for pair in pairs:
        for ending in ("路", "街"):
            name = pair + ending
            if (
                name not in taken
                and len(out) < count
                and pair + "路" not in taken
                and pair + "街" not in taken
            ):
                out.append(name)
                taken.add(name)
                break
    return out


def building_names(rng: np.random.Generator, taken: set[str], count: int) -> list[str]:
    """`count` names for office and commercial buildings (金沙大厦, 云帆科技园 …) not in `taken`."""
    combos = [t + e for t in BUILDING_THEMES for e in BUILDING_ENDINGS]
    rng.shuffle(combos)
    out = [c for c in combos if c not in taken][:count]
    taken.update(out)
    return out


def estate_names(rng: np.random.Generator, taken: set[str], count: int) -> list[str]:
    """`count` generated estate names (云澜苑, 金沙花园 …) not in `taken`."""
    # Not 翠苑园 or 沁园花园: a theme ending in 苑/园 takes an ending without one.
    combos = [
        t + e for t in ESTATE_THEMES for e in ESTATE_ENDINGS if not (t[-1] in "苑园" and e[-1] in "苑园")
    ]
    rng.shuffle(combos)
    used_themes: set[str] = set()
    out: list[str] = []
    # One estate per theme first; then a theme's other endings (云澜苑, then 云澜府).
    for fresh_theme_only in (True, False):
        for name in combos:
            if len(out) == count:
                return out
            theme = name[:2]
            if name in taken or (fresh_theme_only and theme in used_themes):
                continue
            used_themes.add(theme)
            out.append(name)
            taken.add(name)
    return out


# Developer brands people leave off ("龙湖…" → "…"); companies, not estate names.
DEVELOPER_PREFIXES = (
    "龙湖", "保利", "世茂", "宋都", "金隅", "德信", "华元", "宝龙", "绿城", "万科", "融创",
    "碧桂园", "中海", "招商", "滨江", "金地", "旭辉", "新城", "中天", "名城",
)  # fmt: skip
PLACE_PREFIXES = ("下沙", "钱塘", "杭州")
PHASE_SUFFIX = re.compile(r"(?:[东南西北中]区)?(?:[一二三四五六七八九十\d]+[期区])+$")
GENERIC_ENDINGS = ("花园", "佳园", "家园", "嘉园", "公寓", "雅苑", "名邸", "华庭", "苑", "园", "府", "坊")
MIN_ALIAS = 2
# Short forms that name a kind of place rather than one estate.
TOO_GENERIC = frozenset({"商业中心", "城市广场", "江滨花园", "国际城", "城市公寓", "花园", "公寓"})


def estate_aliases(name: str, all_names: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The short forms people use for an estate, without the name itself.

    Phase and section suffixes dropped (…一期, …南区三期, …一区), a developer brand or a place
    prefix dropped, the generic ending dropped (…佳园 → …), and the series name shared with other
    estates of the list (three phases of one development → their common stem).
    """
    forms: list[str] = []

    def add(form: str) -> None:
        if len(form) >= MIN_ALIAS and form != name and form not in forms:
            forms.append(form)

    base = PHASE_SUFFIX.sub("", name) or name
    add(base)
    stems = [base]
    for prefix in DEVELOPER_PREFIXES + PLACE_PREFIXES:
        if base.startswith(prefix) and len(base) - len(prefix) >= MIN_ALIAS + 1:
            stems.append(base[len(prefix) :])
            add(base[len(prefix) :])
            break
    for ending in GENERIC_ENDINGS:
        if base.endswith(ending) and len(base) - len(ending) >= MIN_ALIAS:
            add(base[: -len(ending)])
            break
    # A series: the longest common prefix (≥ 3 characters) with another estate of the list.
    for stem in stems:
        best = ""
        for other in all_names:
            if other == name:
                continue
            other_base = PHASE_SUFFIX.sub("", other) or other
            for candidate in {
                other_base,
                *(other_base[len(p) :] for p in DEVELOPER_PREFIXES if other_base.startswith(p)),
            }:
                common = _common_prefix(stem, candidate)
                if len(common) > len(best) and common != stem:
                    best = common
        if len(best) >= 3:
            add(best)
            rest = stem[len(best) :]
            if len(rest) >= 3:
                add(rest)
    return [f for f in forms if f not in TOO_GENERIC]


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
