"""`zhiguan classify train|predict`: the classifier from CSV files, without server or database.

  zhiguan classify train --input FILE.csv --model DIR
      columns text, label (optional title); writes the model, prints cross-validated macro-F1.
  zhiguan classify predict --model DIR --input FILE.csv --output OUT.csv
      columns id, text (optional title); writes id, label, confidence.

Bad input ends with one message in Chinese on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import csv
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhiguan.csvio import ROW, CsvError, read_rows

# Messages of this command are Chinese first: it runs without a request (no language negotiation).
_MSG = {
    "empty_text": "第 {row} 行的 text 为空",
    "empty_label": "第 {row} 行的 label 为空",
    "model": "模型不可用：{detail}",
    "train": "无法训练：{detail}",
    "output": "无法写入输出文件：{path}",
}


class UsageError(Exception):
    def __init__(self, code: str, **kw: Any):
        super().__init__(_MSG[code].format(**kw))


class Command(BaseCommand):
    help = "Train the request classifier from a CSV, or predict labels for a CSV (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        train = sub.add_parser("train", help="train a model from text,label[,title]")
        train.add_argument("--input", required=True)
        train.add_argument("--model", required=True)
        train.add_argument("--folds", type=int, default=5)
        predict = sub.add_parser("predict", help="predict id,label,confidence for id,text[,title]")
        predict.add_argument("--model", required=True)
        predict.add_argument("--input", required=True)
        predict.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "train":
                self._train(options)
            else:
                self._predict(options)
        except (UsageError, CsvError) as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)

    def _train(self, options: dict[str, Any]) -> None:
        from zhiguan.intelligence.classification.model import ModelError, TextClassifier

        rows = read_rows(options["input"], need=("text", "label"))
        for row in rows:
            if not row["label"].strip():
                raise UsageError("empty_label", row=row[ROW])
        try:
            clf = TextClassifier.train(
                texts=[r["text"] for r in rows],
                titles=[r.get("title", "") for r in rows],
                labels=[r["label"].strip() for r in rows],
                folds=max(2, options["folds"]),
            )
        except (ModelError, ValueError) as exc:
            raise UsageError("train", detail=str(exc)) from exc
        clf.save(options["model"])
        meta = clf.meta
        out = self.stdout
        out.write(f"rows {meta['rows']}, labels {len(meta['rows_per_label'])}, {meta['train_seconds']} s")
        out.write(f"cross-validated macro-F1 ({meta['cv_folds']} folds): {meta['cv_macro_f1']:.4f}")
        out.write(f"cross-validated accuracy: {meta['cv_accuracy']:.4f}")
        for label, f1 in meta["cv_f1_per_label"].items():
            out.write(f"  {label}\t{f1:.4f}\t({meta['rows_per_label'][label]} rows)")
        out.write(f"model written to {options['model']}")

    def _predict(self, options: dict[str, Any]) -> None:
        from zhiguan.intelligence.classification.model import ModelError, TextClassifier

        try:
            clf = TextClassifier.load(options["model"])
        except ModelError as exc:
            raise UsageError("model", detail=str(exc)) from exc
        rows = read_rows(options["input"], need=("id", "text"))
        started = time.monotonic()
        result = []
        batch = 2000
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            result += clf.predict([r["text"] for r in part], [r.get("title", "") for r in part], top=1)
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["id", "label", "confidence"])
                for row, p in zip(rows, result, strict=True):
                    writer.writerow([row["id"], p.label, f"{p.confidence:.4f}"])
        except OSError as exc:
            raise UsageError("output", path=options["output"]) from exc
        seconds = time.monotonic() - started
        self.stdout.write(f"{len(rows)} predictions written to {options['output']} ({seconds:.1f} s)")
