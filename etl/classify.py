"""Field classification of opinions: transparent keyword rules, then a trained text model.

- Text is *folded* first (lower case, no diacritics, `đ` -> `d`, punctuation -> space), so "dat dai" and
  "Đất đai" are the same words; rules and model both work on folded text, vectorised in polars.
- Rules: `data/reference/field_keywords.csv` (field_code, keyword in Vietnamese, weight 1–3: 3 for a term
  that names its field, 1 for a weak or ambiguous one). A keyword matches as whole words; a field's score is
  the sum of the weights of its distinct keywords found. Without a model the highest score wins (confidence =
  its share of all keyword weight); an opinion without any keyword stays empty ("chưa phân loại").
- Model: TF-IDF over folded syllable unigrams and bigrams (a Vietnamese compound word is a syllable bigram,
  so bigrams play the role of word segmentation at no per-text cost) and a linear classifier with
  probabilities. `segmenter="pyvi"` trains on pyvi's word segmentation instead (1 ms per text: for
  evaluation). Character n-grams were tried and not kept: no better on tests/fixtures/field_dev.csv, 3x slower
  (docs/benchmarks.md). Trained by `python -m etl train-classifier` from opinions whose field came from the
  source or an analyst's correction; saved to `$FRONT_DATA_DIR/models/field_classifier.joblib`.
- Decision with a model (`blend`): the rules' share of keyword weight, trusted up to `RULE_TRUST` as more
  keyword weight is found, mixed with the model's probabilities; the best field wins with that mixed
  probability as confidence. Origin 'rule' when the rules alone pick the same field, else 'model'. No keyword
  and a best probability under `KHAC_BELOW`: 'khac' (other). The constants were tuned on the development set
  tests/fixtures/field_dev.csv, never on the evaluation set tests/fixtures/field_eval.csv.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import polars as pl

import config
from etl.text import fold_expr as text_fold_expr

MODEL_NAME = "field_classifier.joblib"
UNKNOWN = "khac"
RULE_TRUST = 0.9  # at most this much of the decision comes from the keyword rules (tuned on field_dev.csv)
RULE_SATURATION = 3.0  # keyword weight at which the rules reach ~63% of that trust
KHAC_BELOW = 0.3  # no keyword and the model's best probability under this: 'khac' (other)


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Folded text with a space at both ends: 'Đất đai – GPMB!' -> ' dat dai gpmb '. Any input (NFC first);
    the rules are `etl.text.fold_expr`'s, the one folding the loader and the search use."""
    return text_fold_expr(expr.str.normalize("NFC"))


def fold(texts: list[str] | pl.Series) -> pl.Series:
    """Folded texts (see `fold_expr`)."""
    return pl.select(fold_expr(pl.Series("t", texts, dtype=pl.String))).to_series()


@cache
def keyword_rules() -> pl.DataFrame:
    """Columns kw (folded, a space at both ends for whole-word matching), kw_field, weight, kw_order (the
    field's position in the file: ties go to the field listed first). A folded keyword may count for
    several fields (e.g. 'say xỉn')."""
    rules = pl.read_csv(config.REFERENCE_DIR / "field_keywords.csv", infer_schema=False)
    if "weight" not in rules.columns:
        rules = rules.with_columns(pl.lit("1").alias("weight"))
    order = {code: i for i, code in enumerate(rules["field_code"].unique(maintain_order=True))}
    return (
        rules.select(
            fold_expr(pl.col("keyword")).alias("kw"),
            pl.col("field_code").alias("kw_field"),
            pl.col("weight").cast(pl.Float64),
            pl.col("field_code").replace_strict(order, return_dtype=pl.Int32).alias("kw_order"),
        )
        .filter(pl.col("kw").str.strip_chars() != "")
        .unique(["kw", "kw_field"], keep="first", maintain_order=True)
    )


@cache
def field_codes() -> tuple[str, ...]:
    """Every field code, in the reference order (the columns of `rule_scores`)."""
    return tuple(pl.read_csv(config.REFERENCE_DIR / "fields.csv", infer_schema=False)["field_code"])


def rule_scores(folded: pl.Series) -> np.ndarray:
    """(texts x fields) sum of the weights of the distinct keywords each text contains, fields in
    `field_codes()` order. One Aho-Corasick pass over all keywords."""
    rules = keyword_rules()
    codes = field_codes()
    col = {code: i for i, code in enumerate(codes)}
    scores = np.zeros((folded.len(), len(codes)))
    patterns = rules["kw"].unique(maintain_order=True).to_list()
    if not patterns or not folded.len():
        return scores
    hits = (
        pl.DataFrame({"t": folded})
        .with_row_index("row")
        .select("row", pl.col("t").str.extract_many(patterns, overlapping=True).alias("kw"))
        .explode("kw")
        .drop_nulls("kw")
        .unique(["row", "kw"])
        .join(rules, on="kw")
        .group_by("row", "kw_field")
        .agg(pl.col("weight").sum())
    )
    rows = hits["row"].to_numpy().astype(np.int64)
    cols = np.array([col[c] for c in hits["kw_field"].to_list()], dtype=np.int64)
    np.add.at(scores, (rows, cols), hits["weight"].to_numpy())
    return scores


def rule_matches(folded: pl.Series) -> pl.DataFrame:
    """Per text: `rule_field` (highest keyword score; null when none), `rule_fields` (how many fields matched
    at all) and `rule_share` (the winner's share of all keyword weight). Ties go to the first field in
    `field_codes()` order."""
    scores = rule_scores(folded)
    total = scores.sum(axis=1)
    best = scores.argmax(axis=1)
    codes = np.array(field_codes())
    hit = total > 0
    share = scores.max(axis=1) / np.where(hit, total, 1.0)
    return pl.DataFrame(
        {"rule_field": codes[best], "rule_fields": (scores > 0).sum(axis=1).astype(np.int32), "rule_share": share,
         "hit": hit}
    ).select(
        pl.when("hit").then("rule_field").alias("rule_field"),
        "rule_fields",
        pl.when("hit").then("rule_share").alias("rule_share"),
    )  # fmt: skip


def _pyvi_tokens(text: str) -> list[str]:
    from pyvi import ViTokenizer

    return [w for w in fold(ViTokenizer.tokenize(text).split()).str.strip_chars().to_list() if w]


@dataclass
class FieldModel:
    """A fitted vectoriser + classifier over folded text, and what it was trained on."""

    pipeline: object
    classes: list[str]
    segmenter: str = "syllables"
    trained_rows: int = 0
    trained_at: str = ""
    per_field: dict[str, int] = field(default_factory=dict)

    def proba(self, texts: list[str], codes: tuple[str, ...], folded: pl.Series | None = None) -> np.ndarray:
        """(texts x codes) probabilities for raw texts, in batch (`folded`: the texts already folded, to fold
        once per batch); a code the model never saw gets 0."""
        if folded is None and self.segmenter != "pyvi":
            folded = fold(texts)
        inputs = texts if self.segmenter == "pyvi" else folded.to_list()  # type: ignore[union-attr]
        raw = self.pipeline.predict_proba(inputs)  # type: ignore[attr-defined]
        out = np.zeros((len(texts), len(codes)))
        col = {code: i for i, code in enumerate(codes)}
        for j, code in enumerate(self.classes):
            if code in col:
                out[:, col[code]] = raw[:, j]
        return out

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(field codes, probabilities of the chosen field) for raw texts, in batch."""
        proba = self.proba(texts, tuple(self.classes))
        best = proba.argmax(axis=1)
        return np.array(self.classes)[best], proba[np.arange(len(best)), best]


def train(texts: list[str], labels: list[str], segmenter: str = "syllables", seed: int = 42) -> FieldModel:
    """Fit the model on raw texts and their field codes."""
    from datetime import datetime

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    if segmenter == "pyvi":
        vectoriser = TfidfVectorizer(analyzer=_pyvi_tokens, sublinear_tf=True, min_df=2)
        inputs = texts
    else:
        vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, token_pattern=r"[a-z0-9]+")
        inputs = fold(texts).to_list()
    classifier = SGDClassifier(loss="modified_huber", alpha=2e-5, max_iter=30, tol=1e-4, random_state=seed)
    pipeline = make_pipeline(vectoriser, classifier)
    pipeline.fit(inputs, labels)
    counts = pl.Series(labels).value_counts()
    return FieldModel(
        pipeline=pipeline,
        classes=[str(c) for c in classifier.classes_],
        segmenter=segmenter,
        trained_rows=len(labels),
        trained_at=datetime.now().isoformat(timespec="seconds"),
        per_field=dict(counts.iter_rows()),
    )


def model_path() -> Path:
    return config.data_dir() / "models" / MODEL_NAME


def save_model(model: FieldModel, path: Path | None = None) -> Path:
    import joblib

    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    return path


def load_model(path: Path | None = None) -> FieldModel | None:
    """The saved model, or None when none was trained yet (read once per file version)."""
    path = path or model_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _load(str(path), stamp)


@lru_cache(maxsize=2)
def _load(path: str, stamp: int) -> FieldModel:
    import joblib

    return joblib.load(path)


def blend(model_p: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rules and model as one distribution per text: the rules' share of keyword weight, trusted more the
    more (and the heavier) keywords matched, mixed with the model's probabilities. Rows sum to 1."""
    total = scores.sum(axis=1, keepdims=True)
    rule_p = scores / np.where(total > 0, total, 1.0)
    trust = RULE_TRUST * (1.0 - np.exp(-total / RULE_SATURATION))
    return (1.0 - trust) * model_p + trust * rule_p


def classify(texts: pl.Series, model: FieldModel | None) -> pl.DataFrame:
    """Columns field, field_origin ('rule' | 'model' | null), field_confidence in [0, 1] for each text (see
    module doc). Distinct texts are classified once (exports repeat texts)."""
    distinct = pl.DataFrame({"content": texts.fill_null("")}).unique(maintain_order=True)
    codes = field_codes()
    folded = fold(distinct["content"])
    scores = rule_scores(folded)
    hit = scores.sum(axis=1) > 0
    rule_best = scores.argmax(axis=1)
    if model is not None and distinct.height:
        mixed = blend(model.proba(distinct["content"].to_list(), codes, folded), scores)
        best = mixed.argmax(axis=1)
        confidence = mixed[np.arange(len(best)), best]
        unsure = ~hit & (confidence < KHAC_BELOW)
        best = np.where(unsure, codes.index(UNKNOWN), best)
        origin = np.where(hit & (best == rule_best), "rule", "model")
        field_ = np.array(codes)[best]
    else:
        total = scores.sum(axis=1)
        confidence = scores.max(axis=1) / np.where(hit, total, 1.0)
        origin = np.where(hit, "rule", None)
        field_ = np.where(hit, np.array(codes)[rule_best], None)
    decided = distinct.with_columns(
        pl.Series("field", field_, dtype=pl.String),
        pl.Series("field_origin", origin, dtype=pl.String),
        pl.Series("field_confidence", np.clip(confidence, 0.0, 1.0)),
    ).with_columns(pl.when(pl.col("field").is_not_null()).then("field_confidence").alias("field_confidence"))
    return (
        pl.DataFrame({"content": texts.fill_null("")})
        .join(decided, on="content", how="left", maintain_order="left")
        .drop("content")
    )


def evaluate(labelled: pl.DataFrame, model: FieldModel | None) -> pl.DataFrame:
    """Per-field precision, recall, F1 and support of `classify` on a labelled frame (columns text, field),
    plus a 'macro' row (unweighted mean over fields). An opinion left unclassified counts as wrong."""
    predicted = classify(labelled["text"], model)["field"].fill_null("(none)").to_list()
    truth = labelled["field"].to_list()
    rows = []
    for code in sorted(set(truth)):
        tp = sum(p == code and t == code for p, t in zip(predicted, truth, strict=True))
        fp = sum(p == code and t != code for p, t in zip(predicted, truth, strict=True))
        fn = sum(p != code and t == code for p, t in zip(predicted, truth, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((code, precision, recall, f1, tp + fn))
    frame = pl.DataFrame(rows, schema=["field", "precision", "recall", "f1", "support"], orient="row")
    macro = frame.select(
        pl.lit("macro").alias("field"), pl.col("precision").mean(), pl.col("recall").mean(), pl.col("f1").mean(),
        pl.col("support").sum(),
    )  # fmt: skip
    return pl.concat([frame, macro])
