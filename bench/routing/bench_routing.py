#!/usr/bin/env python3
"""Benchmark of the routing engine: training time, model size, memory, routing latency and accuracy.

    .venv/bin/python bench/routing/bench_routing.py [--dev ../shared/routing/dev.jsonl]
        [--heldout bench/routing/heldout.jsonl] [--score-py ../shared/routing/score.py]

Trains from the shipped catalogue YAML files (erhvervskontakt/catalogue/data/topics) plus
erhvervskontakt/routing/data/*.jsonl, pins itself to one CPU core, and prints one JSON object.
Accuracy is computed with ``engine.evaluate`` (same definitions as score.py); when score.py is
given, predictions are also written to a temporary file and scored by score.py itself, and its
summary line is included so the two can be compared.
"""

from __future__ import annotations

import os

# One core, no BLAS thread pools: the latency target is per core.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import csv  # noqa: E402
import gc  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from erhvervskontakt.routing import engine  # noqa: E402

TOPICS_DIR = os.path.join(ROOT, "erhvervskontakt", "catalogue", "data", "topics")
DATA_DIR = os.path.join(ROOT, "erhvervskontakt", "routing", "data")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "routing")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def stand_in_topics(tsv_path: str, present: set[str]) -> list[dict]:
    """Bench-only: topics with no YAML file yet get a minimal document from catalogue.tsv."""
    out = []
    if not tsv_path or not os.path.exists(tsv_path):
        return out
    with open(tsv_path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["code"] not in present:
                out.append(
                    {
                        "code": r["code"],
                        "department": r["department"],
                        "external": r["department"] == "EXT",
                        "name": {"da": r["name_da"], "en": r["name_en"]},
                    }
                )
    return out


def build_model(topics_dir, extra_paths, tsv, config=None, field_weights=None, use_extra=True, seed=0):
    docs = engine.load_topic_files(topics_dir) if os.path.isdir(topics_dir) else []
    n_yaml = len(docs)
    docs = docs + stand_in_topics(tsv, {d["code"] for d in docs})
    extra = []
    if use_extra:
        for p in extra_paths:
            extra.extend(engine.load_extra_examples(p))
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    model = engine.train_from_topic_docs(docs, extra, seed=seed, config=config, field_weights=field_weights)
    train_s = time.perf_counter() - t0
    train_cpu = time.process_time() - c0
    rss1 = rss_mb()
    return model, {
        "yaml_topics": n_yaml,
        "stand_in_topics": len(docs) - n_yaml,
        "extra_examples": len(extra),
        "train_seconds": round(train_s, 2),
        "train_cpu_seconds": round(train_cpu, 2),
        "train_rss_growth_mb": round(rss1 - rss0, 1),
    }


def detailed(model, rows, depts):
    """Metrics, per-kind breakdown, matters precision/recall and confidence buckets for one gold set."""
    preds = {}
    results = {}
    times = []
    cpu = []
    for r in rows:
        c0 = time.thread_time()
        t0 = time.perf_counter()
        res = model.route(r["text"])
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        preds[r["id"]] = res.topics
        results[r["id"]] = res
    m = engine.evaluate(model, rows, depts, predictions=preds)
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r.get("kind", "-")].append(r)
    m["by_kind"] = {
        k: {"n": len(v), "top1": round(engine.evaluate(model, v, depts, predictions=preds)["top1"], 3)}
        for k, v in sorted(by_kind.items())
    }
    # Matters: micro precision/recall of the "matters" list against all gold topics.
    tp = fp = fn = 0
    for r in rows:
        got, gold = set(results[r["id"]].matters), set(r["topics"])
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
    m["matters_precision"] = round(tp / (tp + fp), 3) if tp + fp else 0.0
    m["matters_recall"] = round(tp / (tp + fn), 3) if tp + fn else 0.0
    triaged = [r for r in rows if results[r["id"]].needs_triage]
    kept = [r for r in rows if not results[r["id"]].needs_triage]
    m["triage_rate"] = round(len(triaged) / len(rows), 3)
    m["top1_when_not_triaged"] = (
        round(sum(results[r["id"]].topics[0] in r["topics"] for r in kept) / len(kept), 3) if kept else 0.0
    )
    m["errors"] = [
        {
            "id": r["id"],
            "gold": r["topics"],
            "got": results[r["id"]].topics[:3],
            "conf": results[r["id"]].confidence,
            "text": r["text"][:80].replace("\n", " "),
        }
        for r in rows
        if results[r["id"]].topics[0] not in r["topics"]
    ]
    # Multi-matter texts with a gold topic outside the first k+1 (what lowers multi recall).
    m["multi_misses"] = [
        {"id": r["id"], "gold": r["topics"], "got": results[r["id"]].topics[: len(r["topics"]) + 1]}
        for r in rows
        if len(r["topics"]) > 1
        and not set(r["topics"]) <= set(results[r["id"]].topics[: len(r["topics"]) + 1])
    ]
    for k in ("top1", "top3", "dept", "multi"):
        m[k] = round(m[k], 3)
    # Second pass: a long-running server has warm caches (spelling repairs, stems).
    warm = []
    for r in rows:
        c0 = time.thread_time()
        model.route(r["text"])
        warm.append(time.thread_time() - c0)
    m["warm_median_cpu_ms"] = round(statistics.median(warm) * 1000, 2)
    m["warm_p95_cpu_ms"] = round(sorted(warm)[int(0.95 * (len(warm) - 1))] * 1000, 2)
    m["median_cpu_ms"] = round(statistics.median(cpu) * 1000, 2)
    m["p95_cpu_ms"] = round(sorted(cpu)[int(0.95 * (len(cpu) - 1))] * 1000, 2)
    return m, preds, times


_SERVING_PROBE = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
r0 = rss()
from erhvervskontakt.routing import engine
r1 = rss()
with open(sys.argv[2], "rb") as f:
    blob = f.read()
model = engine.RoutingModel.from_bytes(blob)
del blob
r2 = rss()
with open(sys.argv[3], encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f if line.strip()]
for t in texts:
    model.route(t)
r3 = rss()
print(json.dumps({"python_mb": round(r0, 1), "after_import_mb": round(r1, 1),
                  "model_loaded_mb": round(r2 - r1, 1), "after_routing_mb": round(r3, 1),
                  "model_and_caches_mb": round(r3 - r1, 1)}))
"""


def serving_memory(blob: bytes, texts_path: str) -> dict | None:
    """RSS of a fresh process that imports the engine, loads the model and routes the given texts."""
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(blob)
        path = f.name
    try:
        out = subprocess.run(
            [sys.executable, "-c", _SERVING_PROBE, ROOT, path, texts_path],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr[-500:]}
    finally:
        os.unlink(path)


def run_score_py(score_py, gold_path, preds):
    if not score_py or not os.path.exists(score_py) or not os.path.exists(gold_path):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for k, v in preds.items():
            f.write(json.dumps({"id": k, "topics": v}) + "\n")
        path = f.name
    try:
        out = subprocess.run(
            [sys.executable, score_py, gold_path, path], capture_output=True, text=True, timeout=120
        )
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr.strip()
    finally:
        os.unlink(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", default=os.path.join(SHARED, "dev.jsonl"))
    ap.add_argument(
        "--heldout", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "heldout.jsonl")
    )
    ap.add_argument("--score-py", default=os.path.join(SHARED, "score.py"))
    ap.add_argument(
        "--catalogue-tsv",
        default=os.path.join(SHARED, "catalogue.tsv"),
        help="only for stand-ins of topics whose YAML file is missing",
    )
    ap.add_argument("--topics-dir", default=TOPICS_DIR)
    ap.add_argument("--no-extra", action="store_true", help="train without routing/data/*.jsonl")
    ap.add_argument(
        "--with-dev", action="store_true", help="also train on the dev set (then dev is not a test)"
    )
    ap.add_argument("--config", default="{}", help="JSON overrides of EngineConfig")
    ap.add_argument("--errors", action="store_true", help="include the misrouted inquiries in the output")
    ap.add_argument(
        "--only-present",
        action="store_true",
        help="while the catalogue is incomplete: no stand-ins, score only inquiries whose topics have YAML",
    )
    a = ap.parse_args(argv)
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    cfg = engine.EngineConfig(**json.loads(a.config))
    extra_paths = sorted(glob.glob(os.path.join(DATA_DIR, "*.jsonl")))
    if a.with_dev and os.path.exists(a.dev):
        extra_paths.append(a.dev)
    extra_paths_real = []
    tmp = None
    for p in extra_paths:
        if p == a.dev:  # gold format → training format
            tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed after training
                "w", suffix=".jsonl", delete=False, encoding="utf-8"
            )
            for r in load_jsonl(p):
                for t in r["topics"][:1]:
                    tmp.write(json.dumps({"text": r["text"], "topic": t, "source": "dev"}) + "\n")
            tmp.close()
            extra_paths_real.append(tmp.name)
        else:
            extra_paths_real.append(p)
    model, info = build_model(
        a.topics_dir,
        extra_paths_real,
        None if a.only_present else a.catalogue_tsv,
        config=cfg,
        use_extra=not a.no_extra,
    )
    if tmp:
        os.unlink(tmp.name)
    blob = model.to_bytes()
    info["model_bytes"] = len(blob)
    info["model_mb"] = round(len(blob) / 2**20, 2)
    gc.collect()
    rss0 = rss_mb()
    loaded = engine.RoutingModel.from_bytes(blob)
    info["load_rss_growth_mb"] = round(rss_mb() - rss0, 1)
    info["process_rss_mb"] = round(rss_mb(), 1)
    info["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    info["metadata"] = {k: v for k, v in loaded.metadata.items() if k != "config"}
    depts = {c: m.get("department", "") for c, m in loaded.topics_meta.items()}
    if os.path.exists(a.heldout):
        info["serving_memory"] = serving_memory(blob, a.heldout)

    out = {"date": time.strftime("%Y-%m-%d %H:%M"), "build": info, "config": json.loads(a.config)}
    all_times = []
    for name, path in (("dev", a.dev), ("heldout", a.heldout)):
        if not path or not os.path.exists(path):
            continue
        rows = load_jsonl(path)
        if a.only_present:
            rows = [r for r in rows if all(t in loaded.topics_meta for t in r["topics"])]
            if not rows:
                continue
        loaded.route(rows[0]["text"])  # warm caches
        m, preds, times = detailed(loaded, rows, depts)
        all_times.extend(times)
        if not a.errors:
            m.pop("errors")
            m.pop("multi_misses")
        m["score_py"] = None if a.only_present else run_score_py(a.score_py, path, preds)
        m["median_ms"] = round(statistics.median(times) * 1000, 2)
        m["p95_ms"] = round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 2)
        out[name] = m
    if all_times:
        out["route_median_ms"] = round(statistics.median(all_times) * 1000, 2)
        out["route_p95_ms"] = round(sorted(all_times)[int(0.95 * (len(all_times) - 1))] * 1000, 2)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
