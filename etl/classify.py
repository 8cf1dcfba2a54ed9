"""Field classification of opinions: transparent keyword rules, then a trained text model.

- Text is *folded* first (lower case, no diacritics, `đ` -> `d`, punctuation -> space), so "dat dai" and
  "Đất đai" are the same words; rules and model both work on folded text, vectorised in polars. The loader
  folds each opinion once for the search column and may hand that folding in (`classify(..., folded=...)`).
- Rules: `data/reference/field_keywords.csv` (field_code, keyword in Vietnamese, weight 1–3: 3 for a term
  that names its field, 1 for a weak or ambiguous one). A keyword matches as whole words; a field's score is
  the sum of the weights of its distinct keywords found (one Aho-Corasick pass, then a sparse
  texts x keywords matrix times a keywords x fields weight matrix). Without a model the highest score wins
  (confidence = its share of all keyword weight); an opinion without any keyword stays empty ("chưa phân loại").
- Model: TF-IDF (sublinear tf, smoothed idf, L2 norm) over folded syllable unigrams and bigrams (a Vietnamese
  compound word is a syllable bigram, so bigrams play the role of word segmentation at no per-text cost) and a
  linear classifier (SGD, modified Huber loss) whose scores give probabilities. Features are built in polars
  and numpy, not by a Python analyzer per text: syllables are looked up in the learnt vocabulary by one join,
  bigrams as pairs of syllable ids by a binary search, into a float32 sparse matrix (200k texts in a few
  seconds, not half a minute). pyvi word segmentation (1 ms per text) and character n-grams were tried and
  not kept: no better on tests/fixtures/field_dev.csv and much slower (docs/benchmarks.md). Trained by
  `python -m etl train-classifier` from opinions whose field came from the source or an analyst's
  correction; saved to `$FRONT_DATA_DIR/models/field_classifier.joblib`.
- Decision with a model (`blend`): the rules' share of keyword weight, trusted up to `RULE_TRUST` as more
  keyword weight is found, mixed with the model's probabilities; the best field wins with that mixed
  probability as confidence. Origin 'rule' when the rules alone pick the same field, else 'model'. No keyword
  and a best probability under `KHAC_BELOW`: 'khac' (other). The constants were tuned on the development set
  tests/fixtures/field_dev.csv, never on the evaluation set tests/fixtures/field_eval.csv.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

import config
from etl.text import fold_expr as text_fold_expr

MODEL_NAME = "field_classifier.joblib"
MODEL_FORMAT = 2  # 2: own polars featuriser (format 1, a scikit-learn pipeline, is no longer read)
UNKNOWN = "khac"
RULE_TRUST = 0.9  # at most this much of the decision comes from the keyword rules (tuned on field_dev.csv)
RULE_SATURATION = 3.0  # keyword weight at which the rules reach ~63% of that trust
KHAC_BELOW = 0.3  # no keyword and the model's best probability under this: 'khac' (other)
BATCH = 50_000  # texts featurised at a time: 200k at once is slower (fresh memory for every array)
MIN_DF = 2  # a syllable or bigram seen in fewer training opinions is not a feature
_COMBINING = r"[\u0300-\u036f]"  # a decomposed diacritic: the only thing NFC changes that folding sees


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Folded text with a space at both ends: 'Đất đai – GPMB!' -> ' dat dai gpmb '. Any input: texts with a
    decomposed diacritic are composed (NFC) first, the others (nearly all) skip that costly step; the rules
    are `etl.text.fold_expr`'s, the one folding the loader and the search use."""
    expr = expr.fill_null("")
    composed = pl.when(expr.str.contains(_COMBINING)).then(expr.str.normalize("NFC")).otherwise(expr)
    return text_fold_expr(composed)


def fold(texts: list[str] | pl.Series) -> pl.Series:
    """Folded texts (see `fold_expr`); only the texts with a decomposed diacritic are normalised (NFC)."""
    texts = pl.Series("t", texts, dtype=pl.String).fill_null("")
    decomposed = texts.str.contains(_COMBINING)
    if decomposed.any():
        texts = texts.scatter(decomposed.arg_true(), texts.filter(decomposed).str.normalize("NFC"))
    return pl.select(text_fold_expr(pl.lit(texts))).to_series()


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


@cache
def _keyword_weights() -> tuple[pl.DataFrame, np.ndarray]:
    """The distinct folded keywords (columns kw, kw_id) and their (keywords x fields) weight matrix."""
    rules = keyword_rules()
    codes = field_codes()
    keywords = rules.select("kw").unique(maintain_order=True).with_row_index("kw_id")
    ids = rules.join(keywords, on="kw")
    weights = np.zeros((keywords.height, len(codes)))
    fields = ids["kw_field"].replace_strict({c: i for i, c in enumerate(codes)}, return_dtype=pl.Int64)
    np.add.at(weights, (ids["kw_id"].to_numpy().astype(np.int64), fields.to_numpy()), ids["weight"].to_numpy())
    return keywords, weights


def rule_scores(folded: pl.Series) -> np.ndarray:
    """(texts x fields) sum of the weights of the distinct keywords each text contains, fields in
    `field_codes()` order. One Aho-Corasick pass over all keywords."""
    keywords, weights = _keyword_weights()
    if not keywords.height or not folded.len():
        return np.zeros((folded.len(), len(field_codes())))
    hits = (
        pl.DataFrame({"kw": folded.str.extract_many(keywords["kw"].to_list(), overlapping=True)})
        .with_row_index("row")
        .explode("kw")
        .join(keywords, on="kw")
    )
    found = sparse.csr_matrix(
        (np.ones(hits.height), (hits["row"].to_numpy(), hits["kw_id"].to_numpy())),
        shape=(folded.len(), keywords.height),
    )
    found.data[:] = 1.0  # a keyword found twice counts once
    return np.asarray(found @ weights)


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


def _syllables(folded: pl.Series) -> pl.DataFrame:
    """(row, w): every syllable of every folded text, in order."""
    return (
        pl.DataFrame({"w": folded.str.strip_chars().str.split(" ")})
        .with_row_index("row")
        .explode("w")
        .filter(pl.col("w") != "")
    )


def _syllable_ids(folded: pl.Series, syllables: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per syllable occurrence, in text order: its row and its index in `syllables` (-1 when unknown)."""
    found = _syllables(folded).select(
        "row", pl.col("w").replace_strict(syllables, range(len(syllables)), default=-1, return_dtype=pl.Int64)
    )
    return found["row"].to_numpy().astype(np.int64), found["w"].to_numpy()


def _bigrams(rows: np.ndarray, ids: np.ndarray, n_syllables: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys) of the bigrams of two known syllables; key = first index * n_syllables + second index."""
    pair = (rows[:-1] == rows[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0)
    return rows[:-1][pair], ids[:-1][pair] * n_syllables + ids[1:][pair]


def _feature_ids(folded: pl.Series, syllables: list[str], bigrams: np.ndarray) -> pl.DataFrame:
    """(row, uni, bi) per syllable occurrence: the syllable's feature column and that of the bigram it
    starts (-1 when not a feature), looked up by hash in polars (see `FieldModel`)."""
    n = len(syllables)
    known = pl.col("uni") >= 0
    pair = (pl.col("row") == pl.col("row").shift(-1)) & known & known.shift(-1)
    return (
        _syllables(folded)
        .lazy()
        .select("row", pl.col("w").replace_strict(syllables, range(n), default=-1, return_dtype=pl.Int64).alias("uni"))
        .with_columns(
            pl.when(pair)
            .then(pl.col("uni") * n + pl.col("uni").shift(-1))
            .replace_strict(bigrams, range(n, n + bigrams.size), default=-1, return_dtype=pl.Int64)
            .alias("bi")
        )
        .collect()
    )


@dataclass
class FieldModel:
    """TF-IDF over folded syllables and syllable bigrams + a linear classifier, and what it was trained on.
    Features: column i < len(syllables) is syllable i, then one column per entry of `bigrams` (sorted keys,
    see `_bigram_keys`)."""

    syllables: list[str]
    bigrams: np.ndarray  # int64, sorted
    idf: np.ndarray  # float32, one per feature
    coef: np.ndarray  # float32 (classes x features)
    intercept: np.ndarray  # float32 (classes)
    classes: list[str]
    trained_rows: int = 0
    trained_at: str = ""
    per_field: dict[str, int] = field(default_factory=dict)
    format: int = MODEL_FORMAT

    @property
    def n_features(self) -> int:
        return len(self.syllables) + self.bigrams.size

    def features(self, folded: pl.Series) -> sparse.csr_matrix:
        """(texts x features) float32 TF-IDF matrix of folded texts (what the classifier was fitted on)."""
        found = _feature_ids(folded, self.syllables, self.bigrams)
        rows, uni, bi = (found[c].to_numpy() for c in ("row", "uni", "bi"))
        rows = rows.astype(np.int64)
        return _tfidf(
            np.concatenate([rows[uni >= 0], rows[bi >= 0]]),
            np.concatenate([uni[uni >= 0], bi[bi >= 0]]),
            self.idf,
            folded.len(),
        )

    def scores(self, folded: pl.Series) -> np.ndarray:
        """(texts x classes) the classifier's scores of folded texts."""
        return np.asarray(self.features(folded) @ self.coef.T) + self.intercept

    def proba(
        self, texts: list[str] | pl.Series, codes: tuple[str, ...], folded: pl.Series | None = None
    ) -> np.ndarray:
        """(texts x codes) probabilities for raw texts, in batches of `BATCH` texts (`folded`: the texts already
        folded; small batches keep the arrays in memory the allocator reuses); a code
        the model never saw gets 0. Modified Huber scores -> probabilities as scikit-learn does for it: each
        class's score clipped to [-1, 1] and mapped to [0, 1], then normalised (all zero: uniform)."""
        if folded is None:
            folded = fold(texts)
        raw = np.concatenate(
            [self.scores(folded.slice(start, BATCH)) for start in range(0, folded.len(), BATCH)]
            or [np.zeros((0, len(self.classes)), dtype=np.float32)]
        )
        raw = (np.clip(raw, -1.0, 1.0) + 1.0) / 2.0
        total = raw.sum(axis=1, keepdims=True)
        raw = np.where(total > 0, raw / np.where(total > 0, total, 1.0), 1.0 / len(self.classes))
        out = np.zeros((raw.shape[0], len(codes)))
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


def _tfidf(rows: np.ndarray, cols: np.ndarray, idf: np.ndarray, n_rows: int) -> sparse.csr_matrix:
    """Term occurrences (row, col) -> (1 + log count) x idf, each row L2-normalised: a float32 CSR matrix
    built from one sort of the (row, col) keys (no per-text work, no COO conversion)."""
    n_cols = idf.size
    keys = np.sort(rows * n_cols + cols)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if keys.size else keys
    counts = np.diff(np.append(starts, keys.size))
    keys = keys[starts]
    rows, cols = keys // n_cols, keys % n_cols
    data = ((1.0 + np.log(counts)) * idf[cols]).astype(np.float32)
    norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=n_rows))
    data /= np.where(norms > 0, norms, 1.0)[rows].astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
    return sparse.csr_matrix((data, cols, indptr), shape=(n_rows, n_cols))


def train(texts: list[str], labels: list[str], seed: int = 42) -> FieldModel:
    """Fit the model on raw texts and their field codes."""
    from datetime import datetime

    from sklearn.linear_model import SGDClassifier

    folded = fold(texts)
    n = folded.len()
    kept = _syllables(folded).unique(["row", "w"]).group_by("w").len().filter(pl.col("len") >= MIN_DF).sort("w")
    syllables = kept["w"].to_list()
    bigram_rows, keys = _bigrams(*_syllable_ids(folded, syllables), len(syllables))
    bigram_df = pl.DataFrame({"row": bigram_rows, "key": keys}).unique().group_by("key").len()
    bigram_df = bigram_df.filter(pl.col("len") >= MIN_DF).sort("key")
    df = np.concatenate([kept["len"].to_numpy(), bigram_df["len"].to_numpy()]).astype(np.float64)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    model = FieldModel(
        syllables=syllables,
        bigrams=bigram_df["key"].to_numpy().astype(np.int64),
        idf=idf,
        coef=np.zeros(0, dtype=np.float32),
        intercept=np.zeros(0, dtype=np.float32),
        classes=[],
    )
    classifier = SGDClassifier(loss="modified_huber", alpha=2e-5, max_iter=30, tol=1e-4, random_state=seed)
    classifier.fit(model.features(folded), labels)
    counts = pl.Series(labels).value_counts()
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(classifier.classes_) == 2:  # one score for the second class: (-s, s) gives the same probabilities
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    model.coef = coef.astype(np.float32)
    model.intercept = intercept.astype(np.float32)
    model.classes = [str(c) for c in classifier.classes_]
    model.trained_rows = len(labels)
    model.trained_at = datetime.now().isoformat(timespec="seconds")
    model.per_field = dict(counts.iter_rows())
    return model


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
    """The saved model, or None when none was trained yet or it was saved in an older format (read once per
    file version; `python -m etl train-classifier` trains a new one)."""
    path = path or model_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _load(str(path), stamp)


@lru_cache(maxsize=2)
def _load(path: str, stamp: int) -> FieldModel | None:
    import joblib

    model = joblib.load(path)
    if vars(model).get("format") != MODEL_FORMAT:
        warnings.warn(f"{path}: field model in an older format, ignored: retrain it", stacklevel=3)
        return None
    return model


def blend(model_p: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rules and model as one distribution per text: the rules' share of keyword weight, trusted more the
    more (and the heavier) keywords matched, mixed with the model's probabilities. Rows sum to 1."""
    total = scores.sum(axis=1, keepdims=True)
    rule_p = scores / np.where(total > 0, total, 1.0)
    trust = RULE_TRUST * (1.0 - np.exp(-total / RULE_SATURATION))
    return (1.0 - trust) * model_p + trust * rule_p


def classify(texts: pl.Series, model: FieldModel | None, folded: pl.Series | None = None) -> pl.DataFrame:
    """Columns field, field_origin ('rule' | 'model' | null), field_confidence in [0, 1] for each text (see
    module doc). Distinct texts are classified once (exports repeat texts). `folded`: the same texts already
    folded by `etl.text.fold_expr` (the loader's search column), so they are not folded again."""
    given = pl.DataFrame({"content": texts.fill_null("")})
    if folded is None:
        distinct = given.unique(maintain_order=True)
        folded = fold(distinct["content"])
    else:
        distinct = given.with_columns(folded.alias("folded")).unique("content", maintain_order=True)
        folded = distinct.get_column("folded")
        distinct = distinct.drop("folded")
    codes = field_codes()
    scores = rule_scores(folded)
    hit = scores.sum(axis=1) > 0
    rule_best = scores.argmax(axis=1)
    if model is not None and distinct.height:
        mixed = blend(model.proba(distinct["content"], codes, folded), scores)
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
    if decided.height == given.height:  # every text distinct: already in order
        return decided.drop("content")
    return given.join(decided, on="content", how="left", maintain_order="left").drop("content")


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
