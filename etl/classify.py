"""Field classification of opinions: transparent keyword rules, then a trained text model.

- Text is *folded* first (lower case, no diacritics, `đ` -> `d`, punctuation -> space), so "dat dai" and
  "Đất đai" are the same words; rules and model both work on folded text, vectorised in polars.
- Rules: `data/reference/field_keywords.csv` (field_code, keyword in Vietnamese). A keyword matches as whole
  words. The field with most distinct keywords matched wins; its confidence is its share of all matches.
- Model: TF-IDF over folded syllable unigrams and bigrams (a Vietnamese compound word is a syllable bigram,
  so bigrams play the role of word segmentation at no per-text cost) and a linear classifier with
  probabilities. `segmenter="pyvi"` trains on pyvi's word segmentation instead (1 ms per text: for
  evaluation, see docs/benchmarks.md). Trained by `python -m etl train-classifier` from opinions whose field
  came from the source or an analyst's correction; saved to `$FRONT_DATA_DIR/models/field_classifier.joblib`.
- Decision (`classify`): a rule that names exactly one field wins (origin 'rule'); otherwise the model's
  top field (origin 'model', confidence = its probability); without a model, the rules' best field when
  any keyword matched, else the field stays empty ("chưa phân loại") until a model exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import polars as pl

import config

MODEL_NAME = "field_classifier.joblib"
UNKNOWN = "khac"


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Folded text with a space at both ends: 'Đất đai – GPMB!' -> ' dat dai gpmb '."""
    folded = (
        expr.fill_null("")
        .str.to_lowercase()
        .str.replace_all("đ", "d", literal=True)
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )
    return pl.concat_str(pl.lit(" "), folded, pl.lit(" "))


def fold(texts: list[str] | pl.Series) -> pl.Series:
    """Folded texts (see `fold_expr`)."""
    return pl.select(fold_expr(pl.Series("t", texts, dtype=pl.String))).to_series()


@cache
def keyword_rules() -> dict[str, tuple[str, ...]]:
    """field_code -> folded keywords (each with a space at both ends, for whole-word matching)."""
    rules = pl.read_csv(config.REFERENCE_DIR / "field_keywords.csv", infer_schema=False)
    rules = rules.with_columns(fold_expr(pl.col("keyword")).alias("folded"))
    out: dict[str, tuple[str, ...]] = {}
    for code, folded in rules.select("field_code", "folded").iter_rows():
        out.setdefault(code, ())
        out[code] = (*out[code], folded)
    return out


def rule_matches(folded: pl.Series) -> pl.DataFrame:
    """Per text: `rule_field` (most keywords matched; null when none), `rule_fields` (how many fields matched
    at all) and `rule_share` (the winner's share of all keyword matches). One Aho-Corasick pass over all
    keywords; ties go to the field listed first in the keyword file."""
    rules = keyword_rules()
    order = {code: i for i, code in enumerate(rules)}
    keyword_field = pl.DataFrame(
        [(kw, code, order[code]) for code, kws in rules.items() for kw in kws],
        schema={"kw": pl.String, "kw_field": pl.String, "kw_order": pl.Int32},
        orient="row",
    ).unique("kw", keep="first")
    hits = (
        pl.DataFrame({"t": folded})
        .with_row_index("row")
        .select("row", pl.col("t").str.extract_many(keyword_field["kw"].to_list(), overlapping=True).alias("kw"))
        .explode("kw")
        .drop_nulls("kw")
        .unique(["row", "kw"])
        .join(keyword_field, on="kw")
        .group_by("row", "kw_field", "kw_order")
        .agg(pl.len().alias("n"))
    )
    per_row = (
        hits.sort(["row", "n", "kw_order"], descending=[False, True, False])
        .group_by("row", maintain_order=True)
        .agg(
            pl.col("kw_field").first().alias("rule_field"),
            pl.len().cast(pl.Int32).alias("rule_fields"),
            (pl.col("n").first() / pl.col("n").sum()).alias("rule_share"),
        )
    )
    return (
        pl.DataFrame({"row": pl.int_range(folded.len(), eager=True, dtype=pl.UInt32)})
        .join(per_row, on="row", how="left", maintain_order="left")
        .with_columns(pl.col("rule_fields").fill_null(0))
        .drop("row")
    )


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

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(field codes, probabilities of the chosen field) for raw texts, in batch."""
        inputs = texts if self.segmenter == "pyvi" else fold(texts).to_list()
        proba = self.pipeline.predict_proba(inputs)  # type: ignore[attr-defined]
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


def classify(texts: pl.Series, model: FieldModel | None) -> pl.DataFrame:
    """Columns field, field_origin ('rule' | 'model' | null), field_confidence for each text (see module doc).

    Distinct texts are classified once (exports repeat texts)."""
    distinct = pl.DataFrame({"content": texts.fill_null("")}).unique(maintain_order=True)
    rules = pl.concat([distinct, rule_matches(fold(distinct["content"]))], how="horizontal")
    single = pl.col("rule_fields") == 1
    if model is not None and rules.height:
        predicted, proba = model.predict(rules["content"].to_list())
        rules = rules.with_columns(pl.Series("model_field", predicted), pl.Series("model_p", proba))
        decided = rules.select(
            "content",
            pl.when(single).then("rule_field").otherwise("model_field").alias("field"),
            pl.when(single).then(pl.lit("rule")).otherwise(pl.lit("model")).alias("field_origin"),
            pl.when(single).then(pl.lit(1.0)).otherwise("model_p").alias("field_confidence"),
        )
    else:
        decided = rules.select(
            "content",
            pl.col("rule_field").alias("field"),
            pl.when(pl.col("rule_field").is_not_null()).then(pl.lit("rule")).alias("field_origin"),
            pl.col("rule_share").alias("field_confidence"),
        )
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
