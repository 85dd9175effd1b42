"""Knowledge search over 10,000 articles as the operator types. Prints BENCH knowledge_search_p95_ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h4 .venv/bin/python -m bench knowledge_search

A throwaway database with one district and 10,000 generated articles (the 60 demo articles
varied by street, service and wording, so that common words like 社保 or 停车 match hundreds),
indexed as `services` indexes them (jieba words; GIN on PostgreSQL, FTS5 on SQLite). Then 1,000
suggestions (`queries.suggest`, five articles, jieba on the typed text included) for callers'
sentences, after a warm-up that loads jieba's dictionary. ZHIGUAN_BENCH_ARTICLES changes the count.
"""

from __future__ import annotations

import os
import random
import time

from bench.casesdb import is_postgres, throwaway_database

STREETS = ["下沙", "白杨", "河庄", "义蓬", "新湾", "临江", "前进", "金沙湖", "江东", "大江东"]
WAYS = [
    "怎么办理",
    "需要哪些材料",
    "在哪里办",
    "多久能办好",
    "有什么条件",
    "收费吗",
    "网上能办吗",
    "找哪个部门",
]
CALLERS = [
    "我社保卡丢了想补一张",
    "请问公积金租房怎么提取",
    "小区垃圾几点可以扔",
    "路边停车怎么收费的",
    "孩子上小学怎么报名",
    "新生儿户口怎么上",
    "楼下饭店油烟太大了",
    "电梯坏了找谁修",
    "老人高龄补贴怎么领",
    "晚上工地施工太吵了睡不着",
    "营业执照网上怎么办",
    "公司拖欠我三个月工资",
    "停水了什么时候来水",
    "电动车能不能在楼道充电",
    "医保异地就医怎么备案",
]


def main() -> None:
    with throwaway_database() as url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        n = int(os.environ.get("ZHIGUAN_BENCH_ARTICLES", 10_000))
        print(f"# {'PostgreSQL' if is_postgres(url) else 'SQLite'}, {n} articles", flush=True)
        _run(n)


def _run(n: int) -> None:
    import numpy as np
    from django.db import connection

    from zhiguan.intake.knowledge import queries, services
    from zhiguan.intake.knowledge.demo import ARTICLES
    from zhiguan.intake.knowledge.models import Article
    from zhiguan.org.permissions import Actor
    from zhiguan.tenancy.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.create(code="330114", name="钱塘区")
    rng = random.Random(78)
    started = time.perf_counter()
    rows = []
    for i in range(n):
        question, answer, tags, _leaf, _dept = ARTICLES[i % len(ARTICLES)]
        street = STREETS[(i // len(ARTICLES)) % len(STREETS)]
        way = rng.choice(WAYS)
        article = Article(
            jurisdiction=jurisdiction,
            question=f"{street}街道{question.rstrip('？')}{way}？"[:200],
            answer=f"{street}街道便民服务中心：{answer}",
            tags=[*tags, street],
        )
        article.search_text = services.search_text(article)
        rows.append(article)
    Article.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO knowledge_article_fts (rowid, search_text) VALUES (%s, %s)",
                list(Article.objects.values_list("pk", "search_text")),
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE knowledge_article")
    services.bump(jurisdiction.pk)  # written around the services: the word counts are recounted
    print(f"# {n} articles written and indexed in {time.perf_counter() - started:.1f} s", flush=True)
    actor = Actor.system(jurisdiction)
    queries.suggest(actor, "社保卡补办")  # jieba's dictionary loads once
    texts = [
        rng.choice(CALLERS) + rng.choice(["", "，谢谢", "，麻烦问一下", f"，我住在{rng.choice(STREETS)}"])
        for _ in range(1000)
    ]
    times, found = [], 0
    for text in texts:
        t0 = time.perf_counter()
        found += len(queries.suggest(actor, text, limit=5))
        times.append((time.perf_counter() - t0) * 1000)
    t = np.array(times)
    print(
        f"# {len(texts)} suggestions, {found} articles shown, median {np.median(t):.2f} ms, max {t.max():.1f} ms"
    )
    print(f"BENCH knowledge_search_p95_ms {np.percentile(t, 95):.2f} ms", flush=True)
