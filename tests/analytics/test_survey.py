"""Survey statistics against independent references: R `survey`'s published results on its own example data
(../shared/external, read at test time), statsmodels, a hand-worked stratified example, exact margins after
raking, and the coverage of 95% confidence intervals over 1,000 simulated surveys."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from statsmodels.stats.weightstats import DescrStatsW

import config
from analytics.survey import (
    age_group,
    combination_se,
    domain_means,
    rake,
    stack_rakes,
    t_interval,
    urban_category,
)

EXTERNAL = config.shared_dir() / "external"
# R's api example: the population margins of school type and of "met school-wide growth target" (apipop).
API_MARGINS = {"stype": {"E": 4421.0, "H": 755.0, "M": 1018.0}, "sch.wide": {"No": 1072.0, "Yes": 5122.0}}


def _external(name: str) -> pl.DataFrame:
    path = EXTERNAL / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"shared reference data not found at {path}")
    return pl.read_csv(path, schema_overrides={"cds": pl.String})


def _whole(frame: pl.DataFrame) -> np.ndarray:
    return np.zeros(frame.height, dtype=np.int64)


def _clustered_sample(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    psu = np.repeat(np.arange(12), rng.integers(3, 9, 12))
    stratum = (psu >= 6).astype(int)
    y = 3 + 0.5 * stratum + rng.normal(0, 1, 12)[psu] + rng.normal(0, 1, psu.size)
    w = rng.uniform(0.5, 3.0, psu.size)
    return y, w, stratum, psu


def test_weighted_mean_and_clustered_se_match_statsmodels() -> None:
    y, w, _, psu = _clustered_sample(1)
    est = domain_means(y, w, np.zeros(y.size, dtype=int), 1, psu=psu)
    assert est.estimate[0, 0] == pytest.approx(DescrStatsW(y, weights=w).mean, rel=1e-12)
    # One stratum, PSUs as clusters: the design-based variance is the cluster-robust sandwich with G/(G-1).
    fit = sm.WLS(y, np.ones(y.size), weights=w).fit(cov_type="cluster", cov_kwds={"groups": psu})
    assert est.se[0, 0] == pytest.approx(float(fit.bse[0]), rel=1e-9)
    # Without PSUs every respondent is a PSU: heteroskedasticity-robust (HC1-like with n/(n-1)).
    alone = domain_means(y, w, np.zeros(y.size, dtype=int), 1)
    fit = sm.WLS(y, np.ones(y.size), weights=w).fit(cov_type="cluster", cov_kwds={"groups": np.arange(y.size)})
    assert alone.se[0, 0] == pytest.approx(float(fit.bse[0]), rel=1e-9)


def test_stratified_se_matches_a_hand_worked_example() -> None:
    # Two strata, two PSUs each, weights 1 in stratum A and 2 in B.
    y = np.array([1.0, 3.0, 2.0, 4.0, 5.0, 3.0])
    w = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 2.0])
    stratum = np.array(["A", "A", "A", "B", "B", "B"])
    psu = np.array(["1", "1", "2", "1", "2", "2"])  # PSU labels repeat across strata on purpose
    est = domain_means(y, w, np.zeros(6, dtype=int), 1, stratum, psu)
    # mean = (1+3+2 + 2*(4+5+3)) / (3 + 6) = 30/9
    mean = 30 / 9
    assert est.estimate[0, 0] == pytest.approx(mean)
    u = w * (y - mean) / 9
    a1, a2 = u[0] + u[1], u[2]
    b1, b2 = u[3], u[4] + u[5]
    var = 2 * ((a1 - (a1 + a2) / 2) ** 2 + (a2 - (a1 + a2) / 2) ** 2) + 2 * (
        (b1 - (b1 + b2) / 2) ** 2 + (b2 - (b1 + b2) / 2) ** 2
    )
    assert est.se[0, 0] == pytest.approx(np.sqrt(var), rel=1e-12)
    assert est.df[0] == 2  # 4 PSUs - 2 strata


def test_domains_and_missing_values() -> None:
    y, w, stratum, psu = _clustered_sample(2)
    values = np.column_stack([y, np.where(np.arange(y.size) % 4 == 0, np.nan, y * 2)])
    domain = (np.arange(y.size) % 2).astype(int)
    est = domain_means(values, w, domain, 2, stratum, psu)
    for d in (0, 1):
        sel = domain == d
        assert est.estimate[d, 0] == pytest.approx(np.average(y[sel], weights=w[sel]))
        ok = sel & ~np.isnan(values[:, 1])
        assert est.estimate[d, 1] == pytest.approx(np.average(values[ok, 1], weights=w[ok]))
        assert est.n[d, 1] == ok.sum()
    # A linear combination: Var(a·m1 + b·m2) from the combined scores equals the direct estimate of a
    # variable that is exactly that combination (when no value is missing).
    same = domain_means(np.column_stack([y, 3 * y]), w, domain, 2, stratum, psu)
    assert combination_se(same, np.array([0.5, 0.5]))[0] == pytest.approx(2 * same.se[0, 0])


def test_raking_reproduces_the_margins() -> None:
    rng = np.random.default_rng(3)
    n = 800
    sex = rng.choice(["male", "female"], n, p=[0.7, 0.3])
    age = rng.choice(["18-29", "30-44", "45-59", "60+"], n, p=[0.55, 0.25, 0.15, 0.05])
    urban = rng.choice(["urban", "rural"], n, p=[0.8, 0.2])
    targets = {
        "sex": {"male": 49_300.0, "female": 50_700.0},
        "age_group": {"18-29": 23_000.0, "30-44": 31_000.0, "45-59": 25_000.0, "60+": 21_000.0},
        "urban": {"urban": 38_000.0, "rural": 62_000.0},
    }
    result = rake({"sex": sex, "age_group": age, "urban": urban}, targets)
    assert result.converged and result.empty_categories == ()
    for dim, cats in (("sex", sex), ("age_group", age), ("urban", urban)):
        for category, population in targets[dim].items():
            assert result.weights[cats == category].sum() == pytest.approx(population, rel=1e-8)
    assert result.weights.min() > 0


def test_raking_spreads_an_empty_category_and_keeps_the_total() -> None:
    sex = np.array(["male"] * 10 + ["female"] * 5, dtype=object)
    age = np.array(["18-29"] * 15, dtype=object)
    result = rake(
        {"sex": sex, "age_group": age},
        {"sex": {"male": 60.0, "female": 40.0}, "age_group": {"18-29": 30.0, "60+": 70.0}},
    )
    assert result.empty_categories == ("age_group=60+",)
    assert result.weights.sum() == pytest.approx(100.0)
    assert result.weights[sex == "male"].sum() == pytest.approx(60.0)


def test_age_and_urban_categories_match_the_margins_codes() -> None:
    frame = pl.DataFrame({"age": [17, 18, 29, 30, 44, 45, 59, 60, 95, None], "urban": [True, False] * 4 + [None, True]})
    out = frame.select(age_group(pl.col("age")).alias("g"), urban_category(pl.col("urban")).alias("u"))
    assert out["g"].to_list() == [None, "18-29", "18-29", "30-44", "30-44", "45-59", "45-59", "60+", "60+", None]
    assert out["u"].to_list() == ["urban", "rural"] * 4 + [None, "urban"]


def test_95_percent_intervals_cover_the_truth_in_1000_simulated_surveys() -> None:
    """Two strata of clustered, skewed 1–5 answers with unequal weights; truth known from the model."""
    rng = np.random.default_rng(20260601)
    strata_share = np.array([0.3, 0.7])  # population shares of the strata
    stratum_mean = np.array([3.6, 2.9])
    psus_per_stratum, per_psu = 12, 10
    truth = float(strata_share @ stratum_mean)
    covered = 0
    runs = 1000
    stratum = np.repeat([0, 1], psus_per_stratum * per_psu)
    psu = np.repeat(np.arange(2 * psus_per_stratum), per_psu)
    weight = np.where(stratum == 0, strata_share[0], strata_share[1]) / (psus_per_stratum * per_psu)
    for _ in range(runs):
        effect = rng.normal(0, 0.5, 2 * psus_per_stratum)[psu]
        latent = stratum_mean[stratum] + effect + rng.normal(0, 1.0, psu.size)
        # Symmetric noise around the stratum mean; rounding to a 1–5 scale would bias the truth, so keep latent.
        est = domain_means(latent, weight, np.zeros(psu.size, dtype=int), 1, stratum, psu)
        low, high = t_interval(est.estimate[:, 0], est.se[:, 0], est.df)
        covered += int(low[0] <= truth <= high[0])
    assert 0.925 <= covered / runs <= 0.975


# ---------------------------------------------------------------------------------------------------------
# Known answers: R `survey` (T. Lumley) on its own example data. Published outputs are quoted to the digits
# they print; "R survey 4.1-1" marks values this test's author computed with R (Debian r-cran-survey) where
# the package publishes none.


@pytest.mark.parametrize(
    ("name", "design", "mean", "se"),
    [
        # tests/api.Rout.save: svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
        ("apiclus1", {"psu": "dnum", "fpc": "fpc"}, 644.17, 23.542),
        # svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)
        ("apistrat", {"stratum": "stype", "fpc": "fpc"}, 662.29, 9.4089),
        # two-stage "with replacement": svydesign(id=~dnum+snum, weights=~pw, data=apiclus2): first stage only
        ("apiclus2", {"psu": "dnum"}, 670.81, 30.712),
    ],
)
def test_api_means_match_r_survey(name: str, design: dict[str, str], mean: float, se: float) -> None:
    data = _external(name)
    est = domain_means(
        data["api00"].to_numpy().astype(float),
        data["pw"].to_numpy(),
        _whole(data),
        1,
        **{k: data[v].to_numpy() for k, v in design.items()},
    )
    assert est.estimate[0, 0] == pytest.approx(mean, abs=0.005)
    assert est.se[0, 0] == pytest.approx(se, rel=1e-4)


def test_raked_mean_uses_calibration_residuals_as_r_survey() -> None:
    """tests/rakecheck.Rout.save: rake(dclus1, list(~stype, ~sch.wide), ...) -> svymean 641.23, SE 23.704.
    With the raked weights taken as fixed the SE would be 23.806 (0.4% too large)."""
    data = _external("apiclus1")
    y, psu, fpc = data["api00"].to_numpy().astype(float), data["dnum"].to_numpy(), data["fpc"].to_numpy()
    raked = rake({d: data[d].to_numpy() for d in API_MARGINS}, API_MARGINS, data["pw"].to_numpy())
    assert raked.converged
    for dim, targets in API_MARGINS.items():
        for category, population in targets.items():
            assert raked.weights[data[dim].to_numpy() == category].sum() == pytest.approx(population)
    est = domain_means(y, raked.weights, _whole(data), 1, psu=psu, fpc=fpc, calibration=raked)
    assert est.estimate[0, 0] == pytest.approx(641.23, abs=0.005)
    assert est.se[0, 0] == pytest.approx(23.704, rel=1e-4)
    fixed = domain_means(y, raked.weights, _whole(data), 1, psu=psu, fpc=fpc)
    assert fixed.se[0, 0] == pytest.approx(23.806, rel=1e-4)
    # Domains of the raked design (svyby(~api00, ~stype, dclus1r, svymean); R survey 4.1-1): the residuals
    # reach outside each domain, as the full design is kept.
    labels, domain = np.unique(data["stype"].to_numpy(), return_inverse=True)
    by = domain_means(y, raked.weights, domain, 3, psu=psu, fpc=fpc, calibration=raked)
    assert list(labels) == ["E", "H", "M"]
    assert by.estimate[:, 0] == pytest.approx([647.4466, 621.2917, 629.0216], abs=5e-4)
    assert by.se[:, 0] == pytest.approx([22.80842, 36.74300, 29.96303], rel=2e-5)


def test_groups_raked_apart_stack_into_one_calibration() -> None:
    """Raking two groups each to its own margins is raking all rows to the group × category margins: the
    stacked calibration gives the same weights and standard errors as that single raking."""
    data = _external("apiclus1").sort("dnum")
    group = (data["dnum"].to_numpy() > np.median(data["dnum"].to_numpy())).astype(int)
    y, w, psu = data["api00"].to_numpy().astype(float), data["pw"].to_numpy(), data["dnum"].to_numpy()
    half = {d: {c: t / 2 for c, t in cats.items()} for d, cats in API_MARGINS.items()}
    parts = [rake({d: data[d].to_numpy()[group == g] for d in half}, half, w[group == g]) for g in (0, 1)]
    order = np.argsort(group, kind="stable")
    stacked = stack_rakes(parts)
    joint_cats = {d: np.char.add(group.astype(str), data[d].to_numpy().astype(str)) for d in half}
    joint_targets = {d: {f"{g}{c}": t for g in (0, 1) for c, t in cats.items()} for d, cats in half.items()}
    joint = rake(joint_cats, joint_targets, w)
    assert stacked.weights == pytest.approx(joint.weights[order], rel=1e-8)
    a = domain_means(y[order], stacked.weights, group[order], 2, psu=psu[order], calibration=stacked)
    b = domain_means(y, joint.weights, group, 2, psu=psu, calibration=joint)
    assert a.se == pytest.approx(b.se, rel=1e-8)
    assert stack_rakes([parts[0], w[group == 1]]).cells.shape == (data.height, 2)


def test_domain_means_match_r_survey() -> None:
    data = _external("fpc")
    x = data["x"].to_numpy()
    design = (data["weight"].to_numpy(), data["stratid"].to_numpy(), data["psuid"].to_numpy())
    # tests/domain.Rout.save: svyby(~x, ~I(x>4), svydesign(id=~psuid, strat=~stratid, weight=~weight, nest=TRUE))
    by = domain_means(x, design[0], (x > 4).astype(int), 2, design[1], design[2])
    assert by.estimate[:, 0] == pytest.approx([3.314286, 6.195], abs=1e-6)
    assert by.se[:, 0] == pytest.approx([0.3117042, 0.7555129], rel=1e-6)
    # svyby(~api00, ~stype, dclus1, svymean) (R survey 4.1-1; srvyr's README prints them rounded)
    clus = _external("apiclus1")
    _, stype = np.unique(clus["stype"].to_numpy(), return_inverse=True)
    y = clus["api00"].to_numpy().astype(float)
    by = domain_means(y, clus["pw"].to_numpy(), stype, 3, psu=clus["dnum"].to_numpy(), fpc=clus["fpc"].to_numpy())
    assert by.estimate[:, 0] == pytest.approx([648.8681, 618.5714, 631.4400], abs=5e-5)
    assert by.se[:, 0] == pytest.approx([22.36241, 38.02025, 31.60947], rel=1e-6)
    districts = clus.group_by("stype").agg(pl.col("dnum").n_unique()).sort("stype")["dnum"].to_list()
    assert by.df.tolist() == [d - 1 for d in districts]  # districts with a school of the type, minus one stratum


def test_finite_population_correction_matches_r_survey() -> None:
    """tests/testoutput/fpc.Rout.save (Stata's fpc.dta): 5.4481, SE 0.7413 without and 0.616 with fpc=~Nh;
    the same with the sampling fraction fpc=~I(nh/Nh)."""
    data = _external("fpc")
    args = (data["x"].to_numpy(), data["weight"].to_numpy(), _whole(data), 1, data["stratid"], data["psuid"])
    without = domain_means(*args)
    assert (without.estimate[0, 0], without.se[0, 0]) == pytest.approx((5.4481, 0.7413), rel=1e-4)
    population = domain_means(*args, fpc=data["Nh"].to_numpy())
    fraction = domain_means(*args, fpc=(data["nh"] / data["Nh"]).to_numpy())
    assert population.se[0, 0] == pytest.approx(0.616, rel=2e-4) == fraction.se[0, 0]
    # A single-stage check by hand: each stratum's term shrinks by 1 − n_h/N_h.
    scale = np.array([1 - 5 / 15, 1 - 3 / 12])
    u = without.scores.toarray()[:, 0]
    strata = data["stratid"].to_numpy() - 1
    terms = [np.sum((u[strata == h] - u[strata == h].mean()) ** 2) * n / (n - 1) for h, n in ((0, 5), (1, 3))]
    assert population.se[0, 0] == pytest.approx(np.sqrt(scale @ np.array(terms)), rel=1e-12)


def test_bad_finite_population_corrections_are_explained() -> None:
    y, w = np.arange(6.0), np.ones(6)
    strata = np.array(["a", "a", "a", "b", "b", "b"])
    with pytest.raises(ValueError, match="varies within stratum 'a'"):
        domain_means(y, w, np.zeros(6, dtype=int), 1, strata, fpc=np.array([10, 11, 10, 20, 20, 20]))
    with pytest.raises(ValueError, match="stratum 'b' is 2 but 3 PSUs"):
        domain_means(y, w, np.zeros(6, dtype=int), 1, strata, fpc=np.array([10, 10, 10, 2, 2, 2]))
    # unknown (NaN) for a whole stratum: no correction there
    part = domain_means(y, w, np.zeros(6, dtype=int), 1, strata, fpc=np.array([6, 6, 6, np.nan, np.nan, np.nan]))
    none = domain_means(y, w, np.zeros(6, dtype=int), 1, strata)
    assert part.se[0, 0] < none.se[0, 0]


@pytest.mark.parametrize(
    ("option", "se"),
    [("remove", 5.8058), ("certainty", 5.8058), ("adjust", 5.8281), ("average", 6.0096)],
)
def test_lonely_psu_options_match_r_survey(option: str, se: float) -> None:
    """tests/lonely.psu.Rout.save: svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1), where district
    413 has one school, under each options(survey.lonely.psu=...); R's default "fail" stops, and with
    fpc 1 for district 413 (a certainty stratum) and 1000 elsewhere every option gives 5.7344."""
    data = _external("apiclus1")
    y, w, strata = data["api00"].to_numpy().astype(float), data["pw"].to_numpy(), data["dnum"].to_numpy()
    est = domain_means(y, w, _whole(data), 1, strata, lonely_psu=option)
    assert est.estimate[0, 0] == pytest.approx(644.17, abs=0.005)
    assert est.se[0, 0] == pytest.approx(se, rel=1e-4)
    with pytest.raises(ValueError, match="stratum '413' has only one PSU"):
        domain_means(y, w, _whole(data), 1, strata, lonely_psu="fail")
    certain = domain_means(y, w, _whole(data), 1, strata, fpc=np.where(strata == 413, 1, 1000), lonely_psu=option)
    assert certain.se[0, 0] == pytest.approx(5.7344, rel=1e-4)


@pytest.mark.parametrize(
    ("option", "se"),
    [("adjust", [7.729979, 23.419058, 20.817080]), ("average", [7.970301, 23.419058, 20.817080])],
)
def test_lonely_psu_options_in_domains_match_r_survey(option: str, se: list[float]) -> None:
    """svyby(~api00, ~stype, svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1), svymean) under
    options(survey.lonely.psu=...) (R survey 4.1-1): district 413's school is elementary, so only E moves."""
    data = _external("apiclus1")
    _, stype = np.unique(data["stype"].to_numpy(), return_inverse=True)
    y, w, strata = data["api00"].to_numpy().astype(float), data["pw"].to_numpy(), data["dnum"].to_numpy()
    by = domain_means(y, w, stype, 3, strata, lonely_psu=option)
    assert by.se[:, 0] == pytest.approx(se, rel=1e-6)
