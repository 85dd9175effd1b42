"""Draw the candidate pairs that were then labelled by hand (README.md); run once, kept for the record.

    .venv/bin/python bench/data/duplicates_fj3/make_candidates.py > /tmp/candidates.csv

Similarity here is a corpus-fitted character 2–3-gram TF-IDF cosine (not the platform's scorer),
so the pairs are not chosen by the model they later measure. Strata (fixed seed):
  high    cosine >= 0.6                    90 pairs
  mid     0.3 <= cosine < 0.6             110 pairs
  low     0.15 <= cosine < 0.3             80 pairs
  place   a named place in common, cosine < 0.3          60 pairs
  matter  a matter word in both titles, different districts, 0.1 <= cosine < 0.4   50 pairs
  random  any two messages                  40 pairs
A message takes part in at most 2 pairs, so one large cluster cannot fill the set.
Prints pair_id,a_id,b_id,stratum,cosine.
"""

from __future__ import annotations

import csv
import os
import random
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from zhiguan.intelligence.duplicates.scoring import extract_places
from zhiguan.intelligence.text import join_title

MATTER = "噪音|扰民|油烟|停车|车位|物业|学位|拆迁|施工|垃圾|污染|停水|停电|电梯|公交|违建|违章|捆绑|收费|维修|路灯|积水|臭"


def source() -> Path:
    for root in (
        os.environ.get("ZHIGUAN_DEMO_DATA"),
        Path(__file__).resolve().parents[4] / "shared" / "data",
    ):
        path = Path(root or "") / "tipdm2020_c" / "csv" / "fj3_hot_issue_4326.csv"
        if root and path.exists():
            return path
    sys.exit("找不到 附件3：../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv")


def main() -> None:
    with source().open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    ids = [r["留言编号"] for r in rows]
    texts = [join_title(r["留言主题"], r["留言详情"]) for r in rows]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2)
    x = vec.fit_transform(texts)
    sim = (x @ x.T).toarray()
    np.fill_diagonal(sim, 0)
    n = len(rows)
    iu, ju = np.triu_indices(n, 1)
    s = sim[iu, ju]
    rnd = random.Random(20260312)
    used: dict[int, int] = {}
    out: list[tuple[int, int, str, float]] = []
    seen: set[tuple[int, int]] = set()

    def take(cands: list[tuple[int, int]], k: int, stratum: str) -> None:
        rnd.shuffle(cands)
        got = 0
        for i, j in cands:
            if got >= k:
                break
            if (i, j) in seen or used.get(i, 0) >= 2 or used.get(j, 0) >= 2:
                continue
            seen.add((i, j))
            used[i] = used.get(i, 0) + 1
            used[j] = used.get(j, 0) + 1
            out.append((i, j, stratum, float(sim[i, j])))
            got += 1

    def band(lo: float, hi: float) -> list[tuple[int, int]]:
        m = (s >= lo) & (s < hi)
        return list(zip(iu[m].tolist(), ju[m].tolist(), strict=True))

    take(band(0.6, 1.01), 90, "high")
    take(band(0.3, 0.6), 110, "mid")
    take(band(0.15, 0.3), 80, "low")
    places = [extract_places(f"{r['留言主题']} {r['留言详情'][:150]}") for r in rows]
    by_place: dict[str, list[int]] = {}
    for i, (_d, names) in enumerate(places):
        for name in names:
            if len(name) >= 4:
                by_place.setdefault(name, []).append(i)
    same_place = [
        (min(i, j), max(i, j))
        for members in by_place.values()
        if 2 <= len(members) <= 40
        for i in members
        for j in members
        if i < j and sim[i, j] < 0.3
    ]
    take(sorted(set(same_place)), 60, "place")
    matter = [set(re.findall(MATTER, r["留言主题"])) for r in rows]
    matter_pairs = [
        (int(i), int(j))
        for i, j, v in zip(
            iu[(s >= 0.1) & (s < 0.4)], ju[(s >= 0.1) & (s < 0.4)], s[(s >= 0.1) & (s < 0.4)], strict=True
        )
        if matter[i] & matter[j] and places[i][0] and places[j][0] and not places[i][0] & places[j][0]
    ]
    take(matter_pairs, 50, "matter")
    take([(min(i, j), max(i, j)) for i, j in (rnd.sample(range(n), 2) for _ in range(2000))], 40, "random")
    w = csv.writer(sys.stdout)
    w.writerow(["pair_id", "a_id", "b_id", "stratum", "cosine"])
    for k, (i, j, stratum, c) in enumerate(out, start=1):
        w.writerow([f"p{k:04d}", ids[i], ids[j], stratum, f"{c:.3f}"])


if __name__ == "__main__":
    main()
