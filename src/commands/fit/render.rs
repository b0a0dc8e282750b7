//! What `fit` prints: numbers to sensible significant digits, durations in the scenario's
//! format, each family's scenario string, the `[[uncertain]]` entry, and the table.

use crate::engine::SimDuration;
use crate::engine::duration::format_duration;
use crate::model::{Dist, DistSpec, LogNormalCenter};
use crate::stats::fit::{Estimate, Family, FamilyFit, FitReport, GofReference};

/// `x` rounded to `digits` significant digits.
pub(super) fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// `x` to `digits` significant digits, without trailing zeros.
pub(super) fn number(x: f64, digits: i32) -> String {
    format!("{}", round_sig(x, digits))
}

/// A duration in seconds as the scenario writes durations (`4h7m`), rounded to a step of whole
/// days, 6 h, hours, 15, 5 or 1 min, 15, 5 or 1 s or a decimal fraction of a second: the largest
/// step at most `1/steps` of the value, so that rounding moves it by less than that fraction
/// (`steps` 100: about 3 significant digits, without ragged `4h7m12s`).
pub(super) fn duration(secs: f64, steps: f64) -> String {
    format_duration(rounded(secs, steps))
}

/// `secs` rounded as [`duration`] rounds it.
fn rounded(secs: f64, steps: f64) -> SimDuration {
    let step = [
        86_400.0, 21_600.0, 3600.0, 900.0, 300.0, 60.0, 15.0, 5.0, 1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5,
    ]
    .into_iter()
    .find(|g| *g <= secs / steps)
    .unwrap_or(1e-6);
    SimDuration::from_secs_f64((secs / step).round() * step)
}

/// The scenario string of a fit (4 significant digits), one that `Dist::parse` accepts.
pub(super) fn scenario_string(fit: &FamilyFit) -> Option<String> {
    let p = |name: &str| fit.param(name).map_or(f64::NAN, |e| e.value);
    let dur = |secs: f64| rounded(secs, 1000.0);
    let spec = match fit.family {
        Family::Exponential => DistSpec::Exponential { mean: dur(p("mean")) },
        Family::Weibull => DistSpec::Weibull {
            shape: round_sig(p("shape"), 4),
            scale: dur(p("scale")),
        },
        Family::LogNormal => DistSpec::LogNormal {
            center: LogNormalCenter::Median(dur(p("median"))),
            sigma: round_sig(p("sigma"), 4),
        },
        Family::Gamma => DistSpec::Gamma {
            shape: round_sig(p("shape"), 4),
            scale: dur(p("scale")),
        },
    };
    Dist::from_spec(spec).ok().map(|d| d.to_string())
}

/// The `[[uncertain]]` factor of a fit: σ of the log-normal factor on durations, and what it is
/// the SE of. The factor multiplies every duration, its shape held: for the exponential, Weibull
/// and log-normal, σ is the SE of the log of the parameter it scales (mean, scale, median; in
/// the Weibull ln λ is nearly uncorrelated with ln k). For the gamma, ln θ and ln k are strongly
/// correlated (the mean kθ is known far better than θ), so the SE of ln θ alone would overstate
/// how uncertain the durations are with the shape held: σ is the SE of ln(mean) instead.
pub(super) fn factor_sigma(fit: &FamilyFit) -> (f64, &'static str) {
    let se = |name: &str| fit.param(name).map_or(f64::NAN, |e| e.se_log);
    match fit.family {
        Family::Exponential => (se("mean"), "ln(mean)"),
        Family::Weibull => (se("scale"), "ln(scale)"),
        Family::LogNormal => (se("median"), "ln(median)"),
        Family::Gamma => (fit.se_log_mean, "ln(mean)"),
    }
}

/// The placeholder path printed without `--parameter`.
pub(super) const PLACEHOLDER: &str = "failures[name=NAME].time_to_repair";

/// The `[[uncertain]]` entry of the best fit, as TOML.
pub(super) fn uncertain_entry(fit: &FamilyFit, parameter: Option<&str>, n: usize, censored: usize) -> String {
    let (sigma, of) = factor_sigma(fit);
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let what = match fit.family {
        Family::Exponential => "mean",
        Family::LogNormal => "median",
        Family::Weibull | Family::Gamma => "scale",
    };
    let held = if fit.family == Family::Gamma {
        ", the shape held"
    } else {
        ""
    };
    let parameter_line = match parameter {
        Some(p) => format!("parameter = {}", quoted(p)),
        None => format!(
            "parameter = {}   # placeholder: replace with the field this fit describes (or use --parameter PATH)",
            quoted(PLACEHOLDER)
        ),
    };
    format!(
        "[[uncertain]]\n{parameter_line}\nfactor = {}   # multiplies the fitted {what}; sigma = SE of {of} from the fit{held} (n = {n}, {censored} censored)\n",
        quoted(&format!("lognormal(median=1, sigma={})", number(sigma, 3)))
    )
}

/// A parameter with its interval: `shape 1.53 [1.02, 2.29]`, `scale 6h50m [5h, 9h20m]`.
fn estimate(e: &Estimate) -> String {
    let show = |x: f64| if e.duration { duration(x, 100.0) } else { number(x, 3) };
    format!(
        "{} {} [{}, {}]",
        e.name,
        show(e.value),
        show(e.ci95[0]),
        show(e.ci95[1])
    )
}

/// The table of every family, the note on KS, the best fit and its `[[uncertain]]` entry.
pub(super) fn table(report: &FitReport, heading: &str, uncertain: Option<&str>) -> String {
    let best_aic = report.best_fit().map_or(f64::NAN, |f| f.aic);
    let rows: Vec<[String; 6]> = report
        .attempts
        .iter()
        .map(|a| match &a.outcome {
            Ok(f) => [
                a.family.name().to_string(),
                f.params.iter().map(estimate).collect::<Vec<_>>().join("  "),
                format!("{:.2}", f.log_likelihood),
                format!("{:.2}", f.aic),
                format!("{:.2}", f.aic - best_aic),
                format!("{:.3}", f.ks),
            ],
            Err(why) => [
                a.family.name().to_string(),
                format!("did not converge: {why}"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    let header = ["family", "parameters [95 % intervals]", "log-lik", "AIC", "ΔAIC", "KS"].map(str::to_string);
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let w: Vec<usize> = (0..6).map(width).collect();
    let mut out = format!("{heading}\n\n");
    for r in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "  {:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {:>w4$}  {:>w5$}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4],
            w5 = w[5]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&match report.reference {
        GofReference::Empirical => "KS: the largest gap between the fitted CDF and the empirical CDF.\n".to_string(),
        GofReference::KaplanMeier { up_to } => format!(
            "KS: the largest gap between the fitted CDF and the Kaplan–Meier estimate (which accounts \
             for the {} censored values), up to {} (the last uncensored value).\n",
            report.censored,
            duration(up_to, 1000.0)
        ),
    });
    out.push_str(
        "Intervals: Wald, on the log scale. Log-likelihoods of densities per second; ΔAIC = AIC − the \
         lowest (below 2: the data hardly tell the two apart).\n",
    );
    if let Some(best) = report.best_fit() {
        let close: Vec<&str> = report
            .attempts
            .iter()
            .filter_map(|a| a.outcome.as_ref().ok())
            .filter(|f| f.family != best.family && f.aic - best.aic < 2.0)
            .map(|f| f.family.name())
            .collect();
        out.push_str(&format!(
            "\nBest fit (lowest AIC): {}\n",
            scenario_string(best).unwrap_or_else(|| "(not representable as a scenario duration)".into())
        ));
        if !close.is_empty() {
            out.push_str(&format!("  within 2 of its AIC: {}\n", close.join(", ")));
        }
        if let Some(entry) = uncertain {
            out.push('\n');
            out.push_str(entry);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_numbers_and_durations_round_to_significant_digits() {
        assert_eq!(number(1.53212, 3), "1.53");
        assert_eq!(number(0.0012345, 2), "0.0012");
        assert_eq!(number(1234.5, 3), "1230");
        assert_eq!(duration(14_832.7, 100.0), "4h7m");
        assert_eq!(duration(14_832.7, 1000.0), "4h7m15s");
        assert_eq!(duration(18_000.4, 100.0), "5h");
        assert_eq!(duration(90.04, 100.0), "1m30s");
        assert_eq!(duration(90.4, 100.0), "1m30s400ms");
        assert_eq!(duration(2.5 * 86_400.0 + 100.0, 100.0), "2d12h");
        assert_eq!(duration(1.5 * 31_536_000.0, 100.0), "1y183d");
        assert_eq!(duration(0.01234, 100.0), "12ms300us");
    }
}
