"""Routing engine: its version, hyper-parameters and the module path its stored classes keep."""

from __future__ import annotations

from dataclasses import dataclass, field

ENGINE_VERSION = "1.0"

# Trained models are stored as pickles (``RoutingModel.to_bytes``, kept in ``ModelVersion.blob``), and
# a pickle names each class by the module it was defined in. Every class of the engine was once
# defined in ``engine.py``, so stored models say ``erhvervskontakt.routing.engine.RoutingModel`` (and
# ``EngineConfig``, ``_Featurizer``, ``_KeywordMatcher``). The classes now live in their own modules
# but keep that ``__module__`` (set after each definition; ``engine.py`` re-exports them): models
# stored before the split load, and models stored now load in older code and stay independent of
# how the engine's files are arranged. A class moved again needs the same line and re-export.
PICKLE_MODULE = "erhvervskontakt.routing.engine"


@dataclass
class EngineConfig:
    """Hyper-parameters. Defaults were chosen on the project's own held-out set (see bench)."""

    C: float = 20.0
    word_weight: float = 1.0
    char_weight: float = 1.0
    char_ngram: tuple[int, int] = (2, 5)
    char_min_df: int = 3
    keyword_boost: float = 0.0  # measured: keywords are already training rows; a boost double-counts
    segment_mix: float = 0.35
    triage_threshold: float = 0.6
    multi_threshold: float = 0.35
    max_iter: int = 300
    solver: str = "lr"  # "lr" multinomial logistic regression | "svm" linear SVM (liblinear) | "sgd"
    lr_solver: str = "lbfgs"  # measured: newton-cg needs half the memory but is less accurate here
    svm_scale: float = 4.0  # logits = svm_scale × SVM decision values (svm/sgd solvers)
    source_weights: dict[str, float] = field(default_factory=lambda: {"staff": 1.5})
    calibrate: bool = True
    calibration_folds: int = 2


EngineConfig.__module__ = PICKLE_MODULE
