#!/usr/bin/env python3
"""Design comparison and threshold selection for the routing engine.

    .venv/bin/python bench/routing/tune_routing.py grid      # compare configurations
    .venv/bin/python bench/routing/tune_routing.py thresholds  # triage / multi-matter tables

``grid`` trains one model per configuration (a JSON list via --grid, or the built-in list) and
prints top1/top3/dept/multi on dev.jsonl and on the held-out set. ``thresholds`` trains the default
model and prints, per confidence threshold, the share of inquiries sent to manual triage and the
top-1 accuracy of the rest, and per multi-matter threshold the precision/recall of ``matters``.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_routing as br  # noqa: E402

from erhvervskontakt.routing import engine  # noqa: E402

DEFAULT_GRID = [
    {},
    {"C": 5.0},
    {"C": 50.0},
    {"char_weight": 0.7},
    {"char_weight": 1.4},
    {"keyword_boost": 0.0},
    {"keyword_boost": 1.0},
    {"keyword_boost": 3.0},
    {"segment_mix": 0.0},
    {"segment_mix": 0.5},
    {"char_ngram": [3, 5]},
]


def load_sets(a):
    sets = {}
    for name, path in (("dev", a.dev), ("heldout", a.heldout)):
        if path and os.path.exists(path):
            sets[name] = br.load_jsonl(path)
    return sets


def docs_and_extra(a):
    docs = engine.load_topic_files(a.topics_dir)
    docs += br.stand_in_topics(a.catalogue_tsv, {d["code"] for d in docs})
    extra = []
    for p in sorted(glob.glob(os.path.join(br.DATA_DIR, "*.jsonl"))):
        extra.extend(engine.load_extra_examples(p))
    return docs, extra


def grid(a):
    docs, extra = docs_and_extra(a)
    sets = load_sets(a)
    configs = json.loads(a.grid) if a.grid else DEFAULT_GRID
    fw_grid = json.loads(a.field_weights) if a.field_weights else [None]
    for fw in fw_grid:
        for over in configs:
            over = dict(over)
            if "char_ngram" in over:
                over["char_ngram"] = tuple(over["char_ngram"])
            cfg = engine.EngineConfig(**{"calibrate": False, **over})
            t0 = time.perf_counter()
            model = engine.train_from_topic_docs(docs, extra, config=cfg, field_weights=fw)
            ts = time.perf_counter() - t0
            line = [f"{json.dumps(over):42s}", f"fw={json.dumps(fw) if fw else '-'}", f"train={ts:4.1f}s"]
            for name, rows in sets.items():
                m = engine.evaluate(model, rows)
                line.append(f"{name}: {m['top1']:.3f}/{m['top3']:.3f}/{m['dept']:.3f}/{m['multi']:.3f}")
            print("  ".join(line), flush=True)


def thresholds(a):
    docs, extra = docs_and_extra(a)
    sets = load_sets(a)
    model = engine.train_from_topic_docs(docs, extra, config=engine.EngineConfig(**json.loads(a.config)))
    rows = [r for rs in sets.values() for r in rs]
    results = [(r, model.route(r["text"], triage_threshold=0.0, multi_threshold=1.01)) for r in rows]
    print(f"{len(rows)} inquiries (dev + held-out)")
    vague_path = os.path.join(HERE, "vague_heldout.txt")
    with open(vague_path, encoding="utf-8") as f:
        vague = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    vconf = [model.route(v, explain=False).confidence for v in vague]
    print(f"{len(vague)} vague held-out texts (should be triaged)")
    print("confidence threshold | triaged | top1 of the rest | top1 of the triaged | vague triaged")
    for t in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [(r, res) for r, res in results if res.confidence >= t]
        tri = [(r, res) for r, res in results if res.confidence < t]
        acc = sum(res.topics[0] in r["topics"] for r, res in kept) / len(kept) if kept else 0
        acc_t = sum(res.topics[0] in r["topics"] for r, res in tri) / len(tri) if tri else 0
        vt = sum(c < t for c in vconf) / len(vconf)
        print(f"  {t:.2f} | {len(tri) / len(rows):.3f} | {acc:.3f} | {acc_t:.3f} | {vt:.3f}")
    # Reliability: mean confidence vs accuracy per bucket.
    print("confidence bucket | n | mean confidence | accuracy")
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95):
        hi = {0.8: 0.9, 0.9: 0.95, 0.95: 1.01}.get(lo, lo + 0.2)
        b = [(r, res) for r, res in results if lo <= res.confidence < hi]
        if b:
            mc = sum(res.confidence for _, res in b) / len(b)
            acc = sum(res.topics[0] in r["topics"] for r, res in b) / len(b)
            print(f"  [{lo:.2f},{hi:.2f}) | {len(b)} | {mc:.3f} | {acc:.3f}")
    print("multi threshold | matters precision | recall | F1 | exact set match (multi) | single kept single")
    tt = model.config.triage_threshold
    for mt in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        tp = fp = fn = exact = n_multi = single_ok = n_single = 0
        for r in rows:
            res = model.route(r["text"], triage_threshold=tt, multi_threshold=mt, explain=False)
            got, gold = set(res.matters), set(r["topics"])
            tp += len(got & gold)
            fp += len(got - gold)
            fn += len(gold - got)
            if len(gold) > 1:
                n_multi += 1
                exact += got == gold
            else:
                n_single += 1
                single_ok += len(got) <= 1
        p = tp / (tp + fp) if tp + fp else 0
        rc = tp / (tp + fn) if tp + fn else 0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0
        print(
            f"  {mt:.2f} | {p:.3f} | {rc:.3f} | {f1:.3f} | {exact / max(n_multi, 1):.3f} | "
            f"{single_ok / max(n_single, 1):.3f}"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["grid", "thresholds"])
    ap.add_argument("--dev", default=os.path.join(br.SHARED, "dev.jsonl"))
    ap.add_argument("--heldout", default=os.path.join(HERE, "heldout.jsonl"))
    ap.add_argument("--catalogue-tsv", default=os.path.join(br.SHARED, "catalogue.tsv"))
    ap.add_argument("--topics-dir", default=br.TOPICS_DIR)
    ap.add_argument("--grid", help="JSON list of EngineConfig overrides")
    ap.add_argument("--field-weights", help="JSON list of field-weight dicts")
    ap.add_argument("--config", default="{}", help="JSON EngineConfig overrides (thresholds mode)")
    a = ap.parse_args()
    grid(a) if a.mode == "grid" else thresholds(a)


if __name__ == "__main__":
    main()
