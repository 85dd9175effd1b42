"""Write bench/data/geocode_callers.csv: how callers say addresses of the bench district.

    DATABASE_URL= .venv/bin/python bench/data/make_geocode_callers.py

The phrasings below were written before the geocoder was measured against them (the way people
on the 12345 line say where they are: colloquial, typos, missing 号, 栋 for 幢, Chinese numerals,
landmarks, crossings, extra words, a wrong street prefix). Entities are drawn deterministically
from bench/geocode_data.py's generated district; the expected answer is that entity's code, or a
point with a tolerance (a crossing, a road, a number that does not exist).
"""

from __future__ import annotations

import csv
import math
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")

OUT = Path(__file__).with_name("geocode_callers.csv")
CN = "零一二三四五六七八九"
# Characters callers (or the operator typing what they hear) put for the right one.
TYPOS = {
    "澜": "兰", "泽": "择", "渊": "元", "锦": "金", "汇": "会", "晖": "辉", "瑞": "睿", "帆": "凡",
    "涛": "滔", "浦": "普", "航": "行", "棠": "堂", "溪": "西", "滨": "宾", "景": "井", "博": "搏",
    "宁": "凝", "晨": "辰", "韵": "运", "府": "付", "庭": "亭", "邸": "底", "苑": "园", "园": "苑",
    "佳": "家", "家": "佳", "嘉": "佳", "翠": "萃", "沁": "心", "桂": "贵", "映": "印", "晴": "情",
    "湾": "弯", "鹭": "路", "枫": "风", "曦": "希", "泊": "波", "海": "每", "江": "姜", "文": "闻",
    "学": "雪", "云": "芸", "沙": "纱", "林": "临", "源": "原", "通": "同", "明": "名", "华": "化",
    "舟": "州", "月": "悦", "星": "兴", "达": "大", "观": "关", "望": "旺", "听": "厅",
}  # fmt: skip
PREFIXES = ("浙江省杭州市钱塘区", "杭州市钱塘区", "钱塘区", "杭州钱塘新区", "杭州市")
WRONG_STREETS = ("下沙街道", "白杨街道", "义蓬街道", "河庄街道", "临江街道")


def cn_number(n: int) -> str:
    """88 → 八十八, 12 → 十二, 305 → 三百零五 (as said)."""
    if n < 10:
        return CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return CN[hundreds] + "百"
    if rest < 10:
        return CN[hundreds] + "百零" + CN[rest]
    return CN[hundreds] + "百" + cn_number(rest).replace("十", "一十", 1 if rest < 20 else 0)


def digits_cn(s: str) -> str:
    return "".join(CN[int(c)] for c in s)


def typo(rng: np.random.Generator, name: str) -> str:
    spots = [i for i, c in enumerate(name[:-1]) if c in TYPOS] or [
        i for i, c in enumerate(name) if c in TYPOS
    ]
    if not spots:
        return name
    i = int(rng.choice(spots))
    return name[:i] + TYPOS[name[i]] + name[i + 1 :]


def main() -> None:
    import django

    django.setup()
    from bench.geocode_data import district_outline, generate

    d = generate(district_outline())
    rng = np.random.default_rng(314159)
    rows: list[dict] = []

    def add(
        query: str,
        kind: str,
        code: str = "",
        lng: float | None = None,
        lat: float | None = None,
        tol: float = 0,
    ):
        rows.append(
            {
                "query": query,
                "expected_code": code,
                "expected_lng": "" if lng is None else f"{lng:.7f}",
                "expected_lat": "" if lat is None else f"{lat:.7f}",
                "tolerance_m": f"{tol:.0f}" if tol else "",
                "kind": kind,
            }
        )

    doors = [a for a in d.addresses if a["level"] == "door"]
    by_road: dict[str, dict[int, dict]] = {}
    for a in doors:
        by_road.setdefault(a["road_name"], {})[int(a["house_number"][:-1])] = a
    estates = [
        p
        for p in d.pois
        if p["kind"] == "estate" and any(a.get("estate") == p["code"] for a in d.addresses[-1:])
    ] or []
    estate_codes = {a["estate"] for a in d.addresses if a.get("estate")}
    estates = [p for p in d.pois if p["kind"] == "estate" and p["code"] in estate_codes]
    landmarks = [p for p in d.pois if p["kind"] != "estate"]
    buildings = [a for a in d.addresses if a["level"] == "building"]
    units = [a for a in d.addresses if a["level"] == "unit"]
    rooms = [a for a in d.addresses if a["level"] == "room"]

    def pick(seq: list):
        return seq[int(rng.integers(len(seq)))]

    def small_door() -> dict:
        # Callers mostly give numbers below 400 (the roads of this bench are long).
        while True:
            a = pick(doors)
            if int(a["house_number"][:-1]) < 400:
                return a

    # 1. Road + number, written many ways.
    door_forms = [
        lambda r, n: f"{r}{n}号",
        lambda r, n: f"{r} {n}",
        lambda r, n: f"{r}{n}",
        lambda r, n: f"{r}{cn_number(n)}号",
        lambda r, n: f"我家在{r}{n}号",
        lambda r, n: f"就在{r}{n}号这里",
        lambda r, n: f"{pick(list(PREFIXES))}{r}{n}号",
        lambda r, n: f"{pick(list(WRONG_STREETS))}{r}{n}号",
        lambda r, n: f"{r}{n}号门口",
        lambda r, n: f"{r}{n}号楼下",
        lambda r, n: f"{typo(rng, r)}{n}号",
        lambda r, n: f"{r[:-1]}{n}号",  # 路 dropped: "文渊88号"
        lambda r, n: f"{r}{n}號",
        lambda r, n: f"{r}１２３号".replace("１２３", "".join(chr(0xFF10 + int(c)) for c in str(n))),
        lambda r, n: f"那个{r}那边{n}号",
    ]
    for i in range(105):
        a = small_door()
        form = door_forms[i % len(door_forms)]
        add(form(a["road_name"], int(a["house_number"][:-1])), "door", a["code"])
    # 2. A number that is not written out: the nearest one on the same road (within 60 m).
    for _ in range(15):
        while True:
            road = pick(list(by_road))
            n = int(rng.integers(1, 400))
            if n not in by_road[road] and (n - 2 in by_road[road] or n + 2 in by_road[road]):
                break
        near = by_road[road].get(n - 2) or by_road[road][n + 2]
        add(f"{road}{n}号", "door_missing", lng=near["lng"], lat=near["lat"], tol=60)
    # 3. Estate + building / unit / room.
    building_forms = [
        lambda e, b: f"{e}{b}幢",
        lambda e, b: f"{e}{b}栋",
        lambda e, b: f"{e}{b}号楼",
        lambda e, b: f"{e}{cn_number(b)}幢",
        lambda e, b: f"{e}{cn_number(b)}栋",
        lambda e, b: f"我住{e}{b}栋",
        lambda e, b: f"{e} {b}幢楼下",
        lambda e, b: f"钱塘区{e}{b}座",
    ]
    for i in range(40):
        a = pick(buildings)
        name = a["estate_name"]
        if i % 4 == 3:
            est = next(p for p in estates if p["code"] == a["estate"])
            name = est["aliases"][0] if est["aliases"] else name  # the short name
        add(building_forms[i % len(building_forms)](name, int(a["building_no"][:-1])), "building", a["code"])
    for i in range(20):
        a = pick(units)
        b, u = int(a["building_no"][:-1]), int(a["unit_no"][:-2])
        forms = [
            f"{a['estate_name']}{b}幢{u}单元",
            f"{a['estate_name']}{b}栋{u}单元",
            f"{a['estate_name']}{cn_number(b)}栋{cn_number(u)}单元门口",
        ]
        add(forms[i % 3], "unit", a["code"])
    room_forms = [
        lambda e, b, u, r: f"{e}{b}幢{u}单元{r}室",
        lambda e, b, u, r: f"{e}{b}栋{u}单元{r}",
        lambda e, b, u, r: f"{e}{b}-{u}-{r}",
        lambda e, b, u, r: f"{e}{b}号楼{u}单元{r}室",
        lambda e, b, u, r: f"我家是{e}{cn_number(b)}幢{cn_number(u)}单元{digits_cn(r)}",
        lambda e, b, u, r: f"杭州市钱塘区{e}{b}栋{u}单元{r}室",
    ]
    for i in range(40):
        a = pick(rooms)
        b, u, r = int(a["building_no"][:-1]), int(a["unit_no"][:-2]), a["room_no"][:-1]
        add(room_forms[i % len(room_forms)](a["estate_name"], b, u, r), "room", a["code"])
    # 4. Estates: the name, a typo, a different generic ending, the short name.
    for i in range(30):
        e = pick(estates)
        forms = [
            e["name"],
            typo(rng, e["name"]),
            f"{e['name']}小区",
            f"{(e['aliases'] or [e['name']])[0]}小区",
            f"{e['name']}里面",
        ]
        add(forms[i % len(forms)], "estate", e["code"])
    # 5. Landmark-relative and bare landmarks.
    rel = ("附近", "旁边", "对面", "门口", "东侧", "边上", "后面", "那里")
    for i in range(30):
        p = pick(landmarks + estates[:20])
        name = p["name"] if not p["aliases"] or i % 3 else p["aliases"][0]
        forms = [
            f"{name}{rel[i % len(rel)]}",
            f"就在{name}{rel[(i + 3) % len(rel)]}",
            f"{typo(rng, name)}{rel[i % len(rel)]}",
            name,
        ]
        add(forms[i % len(forms)], "landmark", p["code"])
    # 6. Crossings of two roads.
    lines = [r["line"] for r in d.roads]
    crossings = []
    for i in range(len(d.roads)):
        for j in range(i + 1, len(d.roads)):
            x = lines[i].intersection(lines[j])
            if x.geom_type == "Point":
                crossings.append((d.roads[i]["name"], d.roads[j]["name"], x))
    forms = [
        "{a}与{b}交叉口", "{a}和{b}路口", "{a}{b}口", "{a}跟{b}交叉的地方", "{b}{a}交叉口",
        "{a}/{b}", "在{a}和{b}的十字路口", "{a}{b}交界处",
    ]  # fmt: skip
    for i in range(35):
        a, b, x = crossings[int(rng.integers(len(crossings)))]
        add(forms[i % len(forms)].format(a=a, b=b), "intersection", lng=x.x, lat=x.y, tol=30)
    # 7. A bare road.
    for i in range(10):
        r = pick(d.roads)
        m = r["line"].interpolate(0.5, normalized=True)
        length = r["line"].length * 111_320 * math.cos(math.radians(m.y))
        add(
            [f"{r['name']}上", f"{r['name']}", f"在{r['name']}那一段"][i % 3],
            "road",
            lng=m.x,
            lat=m.y,
            tol=length / 2,
        )
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows → {OUT}")


if __name__ == "__main__":
    main()
