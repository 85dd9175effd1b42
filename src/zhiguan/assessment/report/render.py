"""The report as HTML (a Django template, charts as inline SVG drawn by matplotlib) and as PDF (WeasyPrint).

Charts and the district map are drawn in Noto Sans CJK SC and written as SVG paths, so a reader's
browser or PDF viewer needs no Chinese font; the map is the streets' own outlines from `geo`, no tiles.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import threading
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from zhiguan.assessment.report.data import shift

FONT = "Noto Sans CJK SC"
INK = "#1f2d3d"
MUTED = "#8492a6"
BLUE = "#2f6fde"
LIGHT = "#a9c4f5"
ORANGE = "#e6862a"
RED = "#d9453c"
GREEN = "#2e9d5b"
_lock = threading.Lock()  # pyplot's state is global: one chart at a time


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "zhiguan-report",
            "font.size": 9,
            "axes.edgecolor": "#c0c8d2",
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


_ids = itertools.count(1)


def _svg(fig: Any) -> str:
    """The figure as an inline <svg> that scales with the page, its ids unique within the report."""
    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    svg = text[text.find("<svg") :]
    # Several charts share one page: matplotlib's ids (clip paths, glyphs) would collide.
    p = f"c{next(_ids)}-"
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{p}\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{p}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{p}\1)", svg)
    # Scale with the page: drop the fixed size, keep the viewBox.
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return f'{head} preserveAspectRatio="xMidYMid meet" style="width:100%;height:auto">{rest}'


def _ym(d: date) -> str:
    return f"{d.year % 100:02d}.{d.month:02d}"


def trend_chart(data: dict[str, Any]) -> str:
    """Twenty-five months of requests, the year before dashed, next month's forecast with its interval."""
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7.2, 2.8))
        rows = data["trend"]
        xs = list(range(len(rows)))
        counts = [r["count"] for r in rows]
        ax.bar(
            xs, counts, color=[BLUE if k == len(rows) - 1 else LIGHT for k in xs], width=0.7, label="受理量"
        )
        last_year = [math.nan if r["last_year"] is None else r["last_year"] for r in rows]
        ax.plot(xs, last_year, color=MUTED, linestyle="--", linewidth=1.2, label="上年同期")
        fc = data["forecast"]
        if fc.get("available"):
            x = len(rows)
            ax.errorbar(
                [x],
                [fc["mean"]],
                yerr=[[fc["mean"] - fc["lower"]], [fc["upper"] - fc["mean"]]],
                fmt="o",
                color=ORANGE,
                ecolor=ORANGE,
                capsize=4,
                label="下月预测（80%区间）",
            )
            xs = [*xs, x]
        labels = [_ym(r["month"]) for r in rows] + ([_ym(fc["month"])] if fc.get("available") else [])
        ax.set_xticks(xs[::3], labels[::3])
        ax.set_ylabel("件")
        ax.yaxis.grid(True, color="#eef1f5")
        ax.set_axisbelow(True)
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
        ax.set_ylim(0, max([*counts, *(v for v in last_year if v == v), fc.get("upper", 0), 1]) * 1.1)
        return _svg(fig)


def compare_bars(rows: list[dict[str, Any]], *, top: int = 10, height: float | None = None) -> str:
    """This month (bars) beside last month (thin marks), largest first, change in per cent at the end."""
    rows = [r for r in rows if r["count"] or r["previous"]][:top]
    with _lock:
        plt = _plt()
        h = height or max(1.6, 0.34 * len(rows) + 0.6)
        fig, ax = plt.subplots(figsize=(7.2, h))
        if not rows:
            ax.text(0.5, 0.5, "本月无数据", ha="center", va="center", color=MUTED, transform=ax.transAxes)
            ax.axis("off")
            return _svg(fig)
        ys = list(range(len(rows)))[::-1]
        ax.barh(ys, [r["count"] for r in rows], color=BLUE, height=0.55, label="本月")
        ax.scatter(
            [r["previous"] for r in rows],
            ys,
            marker="|",
            s=160,
            color=INK,
            linewidths=1.6,
            label="上月",
            zorder=3,
        )
        ax.set_yticks(ys, [r["label"] for r in rows])
        top_value = max(max(r["count"], r["previous"]) for r in rows) or 1
        for y, r in zip(ys, rows, strict=True):
            pct = r["change_pct"]
            text = f"{r['count']}" + ("" if pct is None else f"  {'+' if pct > 0 else ''}{pct:.1f}%")
            color = INK if pct is None or abs(pct) < 10 else (RED if pct > 0 else GREEN)
            ax.text(
                max(r["count"], r["previous"]) + top_value * 0.02,
                y,
                text,
                va="center",
                fontsize=8,
                color=color,
            )
        ax.set_xlim(0, top_value * 1.28)
        ax.xaxis.grid(True, color="#eef1f5")
        ax.set_axisbelow(True)
        ax.legend(frameon=False, loc="lower right", fontsize=8)
        return _svg(fig)


def satisfaction_chart(sat: dict[str, Any]) -> str:
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(2.4, 2.2))
        parts = [
            ("满意", sat["satisfied"], GREEN),
            ("基本满意", sat["basically"], LIGHT),
            ("不满意", sat["dissatisfied"], RED),
        ]
        values = [p[1] for p in parts]
        if sum(values) == 0:
            ax.text(0, 0, "无回访", ha="center", va="center", color=MUTED, fontsize=11)
            ax.add_patch(plt.Circle((0, 0), 1, fill=False, color="#dde3ea", linewidth=10))
            ax.set_xlim(-1.3, 1.3)
            ax.set_ylim(-1.3, 1.3)
        else:
            ax.pie(
                values,
                colors=[p[2] for p in parts],
                startangle=90,
                counterclock=False,
                wedgeprops={"width": 0.36, "edgecolor": "white"},
            )
            ax.text(
                0, 0.08, f"{sat['pct']:.1f}%", ha="center", va="center", fontsize=15, color=INK, weight="bold"
            )
            ax.text(0, -0.24, "满意率", ha="center", va="center", fontsize=8, color=MUTED)
            ax.legend(
                [f"{p[0]} {p[1]}" for p in parts],
                loc="lower center",
                bbox_to_anchor=(0.5, -0.22),
                ncol=3,
                frameon=False,
                fontsize=7,
                handlelength=0.8,
                columnspacing=0.8,
            )
        ax.set_aspect("equal")
        ax.axis("off")
        return _svg(fig)


def district_map(actor_jurisdiction_id: int, streets: list[dict[str, Any]]) -> str:
    """The streets' outlines shaded by the month's requests, each named with its count."""
    import shapely
    from matplotlib.colors import LinearSegmentedColormap, Normalize
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    from zhiguan.geo.models import Area, AreaLevel

    counts = {r["key"]: r for r in streets if r["key"] is not None}
    areas = list(
        Area.objects.filter(jurisdiction_id=actor_jurisdiction_id, level=AreaLevel.STREET, active=True).only(
            "id", "name", "boundary", "centroid_lat", "centroid_lng"
        )
    )
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7.2, 3.5))
        if not areas:
            ax.text(0.5, 0.5, "未导入街道边界", ha="center", va="center", color=MUTED, transform=ax.transAxes)
            ax.axis("off")
            return _svg(fig)
        top = max([counts.get(a.pk, {}).get("count", 0) for a in areas] + [1])
        cmap = LinearSegmentedColormap.from_list("zg", ["#eef4ff", "#7fa7ee", "#1f4fb4"])
        norm = Normalize(0, top)
        lat0 = sum(a.centroid_lat for a in areas) / len(areas)
        for a in areas:
            geom = shapely.from_wkb(bytes(a.boundary)).simplify(0.0004, preserve_topology=True)
            polys = list(getattr(geom, "geoms", [geom]))
            n = counts.get(a.pk, {}).get("count", 0)
            for poly in polys:
                if poly.geom_type != "Polygon":
                    continue
                rings = [poly.exterior, *poly.interiors]
                verts, codes = [], []
                for ring in rings:
                    pts = list(ring.coords)
                    verts += pts
                    codes += [Path.MOVETO] + [Path.LINETO] * (len(pts) - 2) + [Path.CLOSEPOLY]
                ax.add_patch(
                    PathPatch(Path(verts, codes), facecolor=cmap(norm(n)), edgecolor="white", linewidth=1.0)
                )
            point = geom.representative_point()
            ax.text(
                point.x,
                point.y,
                f"{a.name}\n{n}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if norm(n) > 0.6 else INK,
                linespacing=1.1,
            )
        ax.autoscale_view()
        ax.set_aspect(1 / math.cos(math.radians(lat0)))
        ax.axis("off")
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
        bar.set_label("本月受理量（件）", fontsize=8)
        bar.outline.set_visible(False)
        return _svg(fig)


def _arrow(pct: float | None) -> str:
    if pct is None:
        return "—"
    return f"{'↑' if pct > 0 else ('↓' if pct < 0 else '→')}{abs(pct):.1f}%"


def _summary(data: dict[str, Any]) -> list[str]:
    """The report's first paragraph in plain words: what a leader reads if they read nothing else."""
    t, d, s = data["totals"], data["deadlines"], data["satisfaction"]
    lines = [
        f"{data['month_label']}，{data['scope']}共受理群众诉求 {t['count']} 件，"
        f"环比{_change_words(t['mom_pct'])}，同比{_change_words(t['yoy_pct'])}。"
    ]
    if data["channels"]:
        c = data["channels"][0]
        lines.append(
            f"{c['label']}仍是第一渠道，受理 {c['count']} 件，占 {_pct_of(c['count'], t['count'])}。"
        )
    rising = [r for r in data["categories"] if r["count"] >= 5 and (r["change_pct"] or 0) >= 20]
    if rising:
        r = max(rising, key=lambda r: r["change"])
        lines.append(f"增幅最明显的是“{r['label']}”类，{r['count']} 件，环比上升 {r['change_pct']:.1f}%。")
    if d["decided"]:
        lines.append(
            f"已到期办理环节 {d['decided']} 个，按期办结率 {d['on_time_pct']:.1f}%；超期 {d['overdue']} 件。"
        )
    if s["rated"]:
        lines.append(f"回访 {s['rated']} 件，满意率 {s['pct']:.1f}%。")
    fc = data["forecast"]
    if fc.get("available"):
        lines.append(
            f"预计{fc['month'].month}月受理约 {fc['mean']} 件（80% 区间 {fc['lower']}–{fc['upper']} 件）。"
        )
    return lines


def _change_words(pct: float | None) -> str:
    if pct is None:
        return "无可比数据"
    if pct == 0:
        return "持平"
    return f"{'上升' if pct > 0 else '下降'} {abs(pct):.1f}%"


def _pct_of(part: int, whole: int) -> str:
    return "—" if not whole else f"{part * 100.0 / whole:.1f}%"


def html(data: dict[str, Any], *, jurisdiction_id: int) -> str:
    """The whole report as one self-contained HTML page (no external files, no scripts)."""
    t = data["totals"]
    context = {
        "d": data,
        "summary": _summary(data),
        "charts": {
            "trend": trend_chart(data),
            "channels": compare_bars(data["channels"], top=8),
            "categories": compare_bars(data["categories"], top=10),
            "satisfaction": satisfaction_chart(data["satisfaction"]),
            "map": district_map(jurisdiction_id, data["streets"]),
        },
        "kpis": [
            {
                "label": "受理总量",
                "value": t["count"],
                "unit": "件",
                "note": f"环比{_arrow(t['mom_pct'])} 同比{_arrow(t['yoy_pct'])}",
            },
            {
                "label": "本月办结",
                "value": t["closed_in_month"],
                "unit": "件",
                "note": f"当月受理仍在办 {t['open']} 件",
            },
            {
                "label": "按期办结率",
                "value": "—"
                if data["deadlines"]["on_time_pct"] is None
                else f"{data['deadlines']['on_time_pct']:.1f}",
                "unit": "%" if data["deadlines"]["on_time_pct"] is not None else "",
                "note": f"超期 {data['deadlines']['overdue']} 件",
            },
            {
                "label": "满意率",
                "value": "—" if data["satisfaction"]["pct"] is None else f"{data['satisfaction']['pct']:.1f}",
                "unit": "%" if data["satisfaction"]["pct"] is not None else "",
                "note": f"回访 {data['satisfaction']['rated']} 件",
            },
        ],
        "next_month": shift(data["month"], 1),
    }
    for rows in (data["channels"], data["categories"], data["streets"], data["types"]):
        for r in rows:
            r["share"] = _pct_of(r["count"], t["count"])
            r["arrow"] = _arrow(r["change_pct"])
    return render_to_string("report/monthly.html", context)


def pdf(page: str) -> bytes:
    """The HTML page as an A4 PDF (cover without a number, every other page numbered)."""
    import logging

    from weasyprint import HTML

    # WeasyPrint reports each SVG presentation style it parses twice and screen-only rules: noise here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=page).write_pdf()
