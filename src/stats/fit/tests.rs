//! Exactness checks and recovery of known parameters from large samples.

use super::*;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::Distribution;

fn obs(v: &[(f64, bool)]) -> Vec<Observation> {
    v.iter()
        .map(|&(value, censored)| Observation { value, censored })
        .collect()
}

/// A sampler of a distribution (rand's `Distribution` is generic over the generator, so it
/// cannot be boxed itself).
pub(super) type Sampler = Box<dyn Fn(&mut Xoshiro256PlusPlus) -> f64>;

/// `d` as a [`Sampler`].
fn boxed<D: Distribution<f64> + 'static>(d: D) -> Sampler {
    Box::new(move |rng| d.sample(rng))
}

/// `n` draws of `dist`, each censored by an independent exponential censoring time of mean
/// `censor_mean` (none when `None`).
pub(super) fn sample(dist: &Sampler, n: usize, censor_mean: Option<f64>, seed: u64) -> Vec<Observation> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let x = dist(&mut rng);
            match censor_mean {
                Some(m) => {
                    let c = rand_distr::Exp::new(1.0 / m).unwrap().sample(&mut rng);
                    Observation {
                        value: x.min(c),
                        censored: c < x,
                    }
                }
                None => Observation {
                    value: x,
                    censored: false,
                },
            }
        })
        .collect()
}

/// A family with true parameters (in [`Family::parameters`] order) and a sampler for it.
pub(super) fn truth(family: Family) -> (Vec<f64>, Sampler) {
    const H: f64 = 3600.0;
    match family {
        Family::Exponential => (vec![5.0 * H], boxed(rand_distr::Exp::new(1.0 / (5.0 * H)).unwrap())),
        Family::Weibull => (
            vec![1.5, 10.0 * H],
            boxed(rand_distr::Weibull::new(10.0 * H, 1.5).unwrap()),
        ),
        Family::LogNormal => (
            vec![4.0 * H, 0.8],
            boxed(rand_distr::LogNormal::new((4.0 * H).ln(), 0.8).unwrap()),
        ),
        Family::Gamma => (vec![2.0, 3.0 * H], boxed(rand_distr::Gamma::new(2.0, 3.0 * H).unwrap())),
    }
}

#[test]
fn fit_exponential_closed_form_with_censoring_is_exact() {
    // 2 h and 5 h ended, 3 h still open: mean = 10 h / 2 events, SE of ln(mean) = 1/√2.
    let data = obs(&[(7200.0, false), (10_800.0, true), (18_000.0, false)]);
    let f = fit_one(Family::Exponential, &data).unwrap();
    let mean = f.param("mean").unwrap();
    assert!((mean.value - 18_000.0).abs() < 1e-9, "{}", mean.value);
    assert!((mean.se_log - 0.5f64.sqrt()).abs() < 1e-15);
    let z = Z * 0.5f64.sqrt();
    assert!((mean.ci95[0] - 18_000.0 * (-z).exp()).abs() < 1e-6);
    assert!((mean.ci95[1] - 18_000.0 * z.exp()).abs() < 1e-6);
    // ℓ = −d·ln m − Σx/m = −2 ln 18000 − 2.
    assert!((f.log_likelihood - (-2.0 * 18_000f64.ln() - 2.0)).abs() < 1e-12);
    assert!((f.aic - (2.0 - 2.0 * f.log_likelihood)).abs() < 1e-12);
}

#[test]
fn fit_log_likelihood_of_censored_data_matches_a_hand_computation() {
    // Events at 5 and 10, one value censored at 20.
    let data = obs(&[(5.0, false), (10.0, false), (20.0, true)]);
    // Weibull k = 2, λ = 10: ln f(x) = ln(k/λ) + (k−1) ln(x/λ) − (x/λ)^k, ln S(x) = −(x/λ)^k.
    let want = (0.2f64.ln() + 0.5f64.ln() - 0.25) + (0.2f64.ln() - 1.0) - 4.0;
    let got = log_likelihood(Family::Weibull, &[2.0, 10.0], &data);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    // Gamma k = 2, θ = 10: f(x) = x e^(−x/10)/100, S(x) = e^(−x/10)(1 + x/10).
    let want = (0.05f64.ln() - 0.5) + (0.1f64.ln() - 1.0) + (-2.0 + 3f64.ln());
    let got = log_likelihood(Family::Gamma, &[2.0, 10.0], &data);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    // Log-normal median 20, σ = 1: the censored value is the median, S = 1/2.
    let lnpdf = |x: f64| {
        let z = (x / 20.0f64).ln();
        -x.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() - z * z / 2.0
    };
    let want = lnpdf(5.0) + lnpdf(10.0) + 0.5f64.ln();
    let got = log_likelihood(Family::LogNormal, &[20.0, 1.0], &data);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    // Exponential mean 10: −2 ln 10 − 15/10, then −20/10.
    let want = -2.0 * 10f64.ln() - 1.5 - 2.0;
    let got = log_likelihood(Family::Exponential, &[10.0], &data);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
}

#[test]
fn fit_recovers_known_parameters_from_large_samples() {
    // n = 20 000, about 20 % censored: every parameter within 4 of its own reported SEs (on the
    // log scale), and the Weibull scale exactly the conditional MLE given the shape.
    for (seed, family) in Family::ALL.into_iter().enumerate() {
        let (params, dist) = truth(family);
        let censor = Some(4.0 * sample_mean(&dist));
        let data = sample(&dist, 20_000, censor, 100 + seed as u64);
        let f = fit_one(family, &data).unwrap_or_else(|e| panic!("{family:?}: {e}"));
        for (p, truth) in f.params.iter().zip(&params) {
            let off = (p.value.ln() - truth.ln()).abs();
            assert!(
                off <= 4.0 * p.se_log,
                "{family:?} {}: {} vs {truth} (SE of ln {})",
                p.name,
                p.value,
                p.se_log
            );
            assert!(p.se_log < 0.05, "{family:?} {}: SE of ln {}", p.name, p.se_log);
        }
        if family == Family::Weibull {
            let (k, l) = (f.params[0].value, f.params[1].value);
            let events = data.iter().filter(|o| !o.censored).count() as f64;
            // λ^k = Σ x^k / events at the maximum: the ratio of that λ to the one found is 1.
            let ratio = (data.iter().map(|o| (o.value / l).powf(k)).sum::<f64>() / events).powf(1.0 / k);
            assert!((ratio - 1.0).abs() < 1e-5, "λ {l} vs the conditional MLE {}", ratio * l);
        }
    }
}

fn sample_mean(dist: &Sampler) -> f64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    (0..10_000).map(|_| dist(&mut rng)).sum::<f64>() / 10_000.0
}

#[test]
fn fit_aic_picks_the_true_family_on_distinct_samples() {
    let cases: [(Family, Sampler); 3] = [
        (Family::Weibull, boxed(rand_distr::Weibull::new(10.0, 3.0).unwrap())),
        (Family::LogNormal, boxed(rand_distr::LogNormal::new(2.0, 1.2).unwrap())),
        (Family::Gamma, boxed(rand_distr::Gamma::new(4.0, 2.0).unwrap())),
    ];
    for (seed, (family, dist)) in cases.iter().enumerate() {
        let data = sample(dist, 5_000, None, 7 + seed as u64);
        let report = fit(&data).unwrap();
        assert_eq!(report.best, Some(*family), "{:#?}", report.attempts);
        assert_eq!(report.reference, GofReference::Empirical);
        // The true family fits closely; KS of n = 5000 is about 1/√n.
        assert!(report.fit(*family).unwrap().ks < 0.03);
        let exp = report.fit(Family::Exponential).unwrap();
        assert!(exp.aic - report.best_fit().unwrap().aic > 100.0, "{family:?}");
    }
    // The exponential is a Weibull and a gamma of shape 1: on exponential data those fit as
    // well, and one of them beats it by AIC when the likelihood ratio (χ²₁) exceeds 2, about one
    // sample in six. So: the exponential is best or within 6 of the best (χ²₁ > 8: p = 0.005),
    // and the fitted shapes are near 1.
    let data = sample(&boxed(rand_distr::Exp::new(0.1).unwrap()), 5_000, None, 11);
    let report = fit(&data).unwrap();
    let best = report.best_fit().unwrap().aic;
    assert!(report.fit(Family::Exponential).unwrap().aic - best < 6.0);
    for family in [Family::Weibull, Family::Gamma] {
        let shape = report.fit(family).unwrap().param("shape").unwrap();
        assert!(shape.ci95[0] < 1.0 && 1.0 < shape.ci95[1], "{family:?} {shape:?}");
    }
}

#[test]
fn fit_refuses_samples_it_cannot_fit() {
    let too_few = obs(&[(5.0, false), (8.0, true), (9.0, true)]);
    assert_eq!(fit(&too_few).unwrap_err(), FitError::TooFewEvents { events: 1, n: 3 });
    let bad = obs(&[(5.0, false), (-1.0, false), (9.0, false)]);
    assert!(matches!(
        fit(&bad).unwrap_err(),
        FitError::InvalidValue { index: 1, .. }
    ));
    let flat = obs(&[(5.0, false), (5.0, false), (9.0, true)]);
    assert_eq!(fit(&flat).unwrap_err(), FitError::NoSpread(5.0));
    let nan = obs(&[(5.0, false), (f64::NAN, false), (9.0, false)]);
    assert!(fit(&nan).is_err());
}

#[test]
fn fit_reports_every_family_and_the_kaplan_meier_reference_with_censoring() {
    let (_, dist) = truth(Family::Weibull);
    let data = sample(&dist, 60, Some(4.0 * 9.0 * 3600.0), 3);
    let report = fit(&data).unwrap();
    assert_eq!(report.attempts.len(), 4);
    assert!(report.censored > 0);
    let last = data.iter().filter(|o| !o.censored).map(|o| o.value).fold(0.0, f64::max);
    assert_eq!(report.reference, GofReference::KaplanMeier { up_to: last });
    for a in &report.attempts {
        let f = a.outcome.as_ref().unwrap();
        assert!(f.ks > 0.0 && f.ks < 0.3, "{f:?}");
        for p in &f.params {
            assert!(p.ci95[0] < p.value && p.value < p.ci95[1], "{f:?}");
        }
    }
}

#[test]
fn fit_awkward_samples_give_fits_or_reasons_never_a_panic() {
    let spread: Vec<(f64, bool)> = (0..40)
        .map(|i| (10f64.powf(-3.0 + 0.3 * i as f64), i % 7 == 0))
        .collect();
    let mut late: Vec<(f64, bool)> = vec![(1.0, false), (2.0, false)];
    late.extend((0..50).map(|i| (1000.0 + i as f64, true)));
    let mut early: Vec<(f64, bool)> = vec![(1000.0, false), (2000.0, false)];
    early.extend((0..50).map(|i| (1e-3 * (1.0 + i as f64), true)));
    for (what, sample) in [("spread", spread), ("censored late", late), ("censored early", early)] {
        let report = fit(&obs(&sample)).unwrap();
        for a in &report.attempts {
            match &a.outcome {
                Ok(f) => assert!(
                    f.aic.is_finite() && f.params.iter().all(|p| p.value > 0.0),
                    "{what}: {f:?}"
                ),
                Err(why) => assert!(!why.is_empty(), "{what}"),
            }
        }
        assert!(report.best.is_some(), "{what}: {:?}", report.attempts);
    }
}
