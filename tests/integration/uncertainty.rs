//! Two-level Monte Carlo (`[uncertainty]`, `[[uncertain]]`): closed-form quantiles over draws,
//! reproducibility whatever the thread count, expectations over draws, and located errors.

use super::common::{bin, load, repo, with};
use outage_sim::montecarlo::uncertainty::run_whole;
use outage_sim::montecarlo::{RunOptions, Runner};
use outage_sim::scenario::{Override, Plan};
use statrs::distribution::{ContinuousCDF, Normal};

const ORACLE: &str = "scenarios/validation/uncertain-availability.toml";

/// A(f) of the oracle scenario: exponential up times of mean 100 h · f, fixed 10 h repairs.
fn availability(f: f64) -> f64 {
    100.0 * f / (100.0 * f + 10.0)
}

#[test]
fn availability_quantiles_over_draws_are_the_closed_form_at_the_factor_quantiles() {
    let plan = load(ORACLE);
    let (_, _, summary) = run_whole(&plan, &Runner::new(None), &RunOptions::default()).unwrap();
    let u = summary.uncertainty.as_ref().unwrap();
    let d = u.metrics.get("availability.component-up").unwrap();
    let drawn = u.parameters.iter().next().unwrap().1;
    let n = u.draws as f64;
    let inner = d.inner_mc_sd.unwrap();
    let sigma = 0.7;
    let z = Normal::standard();
    for (p, got, drawn_factor, ci) in [
        (0.05, d.p05, drawn.p05, d.quantile_ci95.p05),
        (0.5, d.p50, drawn.p50, d.quantile_ci95.p50),
        (0.95, d.p95, drawn.p95, d.quantile_ci95.p95),
    ] {
        let exact_factor = (sigma * z.inverse_cdf(p)).exp();
        let exact = availability(exact_factor);
        // Inner level: availability is increasing in the factor, so its quantile over draws is
        // A at the drawn factors' quantile, up to each draw's own Monte Carlo error (a quantile
        // moves by at most the largest error of a draw: bounded here by 4 inner SE).
        let at_drawn = availability(drawn_factor);
        eprintln!(
            "p{p}: estimate {got:.5}, A(drawn factor {drawn_factor:.4}) = {at_drawn:.5}, closed form {exact:.5}, \
             inner SE {inner:.5}, interval {ci:?}"
        );
        assert!(
            (got - at_drawn).abs() <= 4.0 * inner,
            "p{p}: {got} vs {at_drawn} (4 SE = {})",
            4.0 * inner
        );
        // Outer level: a Latin hypercube puts one draw in each of n equally likely strata, so the
        // drawn factor's quantile is within one stratum of the exact one…
        let lo = (sigma * z.inverse_cdf((p - 1.0 / n).max(1e-9))).exp();
        let hi = (sigma * z.inverse_cdf((p + 1.0 / n).min(1.0 - 1e-9))).exp();
        assert!(
            (lo..=hi).contains(&drawn_factor),
            "p{p}: factor {drawn_factor} outside [{lo}, {hi}]"
        );
        // …and the distribution-free interval of the quantile holds the closed form.
        let [Some(l), Some(h)] = ci else {
            panic!("p{p}: 200 draws bound the quantile on both sides: {ci:?}")
        };
        assert!(l <= exact && exact <= h, "p{p}: {exact} outside [{l}, {h}]");
    }
    // The pooled estimate is the mean over draws (every draw has the same replications).
    let pooled = d.pooled.as_ref().unwrap();
    assert!(
        (pooled.estimate - d.mean).abs() < 1e-12,
        "{} vs {}",
        pooled.estimate,
        d.mean
    );
    // The spread is the parameters', not noise.
    assert!(d.inner_mc_share.unwrap() < 0.01, "{:?}", d.inner_mc_share);
}

#[test]
fn two_level_summaries_are_byte_identical_whatever_the_threads() {
    let plan = with(
        &load(ORACLE),
        &[Override::set("uncertainty.draws", toml::Value::Integer(16))],
    );
    let plan = with(&plan, &[Override::replications(20)]);
    let json = |threads| {
        let (_, _, s) = run_whole(&plan, &Runner::new(Some(threads)), &RunOptions::default()).unwrap();
        s.to_json()
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(3));
}

#[test]
fn draws_on_the_command_line_override_and_files_are_written() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .args([
            "run",
            ORACLE,
            "--draws",
            "8",
            "--replications",
            "10",
            "--quiet",
            "--out",
        ])
        .arg(out.path())
        .current_dir(repo(""))
        .assert()
        .success();
    let dir = out.path().join("validation-uncertain-availability");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["uncertainty"]["draws"], 8);
    assert_eq!(summary["uncertainty"]["inner_replications"], 10);
    assert_eq!(
        summary["replications"], 80,
        "the pooled run holds every draw's replications"
    );
    let csv = std::fs::read_to_string(dir.join("draws.csv")).unwrap();
    assert_eq!(csv.lines().count(), 9, "a header and one row per draw:\n{csv}");
    assert!(csv.starts_with("draw,matrix,failures[name=component-failure].time_to_failure (factor),"));
}

#[test]
fn check_judges_a_quantile_over_draws() {
    let out = tempfile::tempdir().unwrap();
    let run = |expect: &str| {
        let text = std::fs::read_to_string(repo(ORACLE))
            .unwrap()
            .replace("\"uncertainty.availability.component-up.p50\" = \">= 0.85\"", expect);
        let file = out.path().join("s.toml");
        std::fs::write(&file, text).unwrap();
        let o = bin()
            .args([
                "check",
                file.to_str().unwrap(),
                "--draws",
                "40",
                "--replications",
                "20",
                "--quiet",
                "--out",
            ])
            .arg(out.path().join("r"))
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    // Closed form: the median availability is 0.909, its 5 % quantile 0.760.
    let (code, err) = run("\"uncertainty.availability.component-up.p50\" = \">= 0.85\"");
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run("\"uncertainty.availability.component-up.p50\" = \">= 0.95\"");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("uncertainty.availability.component-up.p50 >= 0.95 (fail)"),
        "{err}"
    );
    // 40 draws cannot bound a 5 % quantile from below: inconclusive, which fails the gate.
    let (code, err) = run("\"uncertainty.availability.component-up.p05\" = \">= 0.5\"");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("inconclusive"), "{err}");
}

fn error_of(text: &str) -> String {
    let e = Plan::from_source(text, std::path::Path::new("u.toml")).unwrap_err();
    e.to_string()
}

#[test]
fn bad_uncertain_entries_are_located_and_say_what_is_allowed() {
    let base = std::fs::read_to_string(repo(ORACLE)).unwrap();
    let entry = "factor = \"lognormal(median=1, sigma=0.7)\"";
    for (from, to, needle) in [
        (
            entry,
            "factor = \"lognormal(median=1)\"",
            "uncertain[0].factor: lognormal: missing parameter \"sigma\"",
        ),
        (entry, "factor = \"uniform(1h, 2h)\"", "a factor is a plain number"),
        (
            entry,
            "factor = \"normal(mean=1, sd=0.2)\"",
            "a factor must not be negative",
        ),
        (
            entry,
            "value = \"lognormal(median=1, sigma=0.2)\"",
            "is a distribution; a prior of its value is not supported",
        ),
        (entry, "", "give exactly one of `factor`"),
        ("draws = 200", "draws = 1", "uncertainty.draws: must be between 2 and"),
        (
            "parameter = \"failures[name=component-failure].time_to_failure\"",
            "parameter = \"failures[name=nope].time_to_failure\"",
            "uncertain[0].parameter: failures[name=nope]: no entry of failures has name = \"nope\"",
        ),
        (
            "parameter = \"failures[name=component-failure].time_to_failure\"",
            "parameter = \"simulation.seed\"",
            "is under `simulation.seed`, which is not an uncertain quantity",
        ),
        (
            "parameter = \"failures[name=component-failure].time_to_failure\"",
            "parameter = \"failures[0].nosuch\"",
            "names no field of the scenario",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let e = error_of(&base.replacen(from, to, 1));
        assert!(e.contains(needle), "{to}: {e}");
        assert!(e.starts_with("u.toml:"), "located: {e}");
    }
    // A prior that makes the scenario invalid at its median is found when the file loads.
    let text = base.replace(
        "[[uncertain]]",
        "[[uncertain]]\nparameter = \"simulation.horizon\"\nvalue = \"uniform(1s, 2s)\"\n\n[[uncertain]]",
    );
    let e = error_of(&text);
    assert!(e.contains("[[uncertain]] draw"), "{e}");
    // Expectations over draws need [uncertainty].
    let plain = base.split("[uncertainty]").next().unwrap().to_string()
        + "[expect]\n\"uncertainty.availability.component-up.p50\" = \">= 0.85\"\n";
    let e = error_of(&plain);
    assert!(e.contains("this scenario has no [uncertainty]"), "{e}");
    let e = error_of(&base.replace(".p50\" = ", ".p42\" = "));
    assert!(e.contains("uncertainty.<metric path>.<mean|p05|p50|p95>"), "{e}");
}

#[test]
fn resume_and_precision_are_refused_with_a_reason() {
    for (args, needle) in [
        (&["--resume"][..], "nothing to resume"),
        (&["--precision", "availability.data_plane=0.01"][..], "raise --draws"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = bin()
            .args(["run", ORACLE, "--quiet", "--out"])
            .arg(out.path())
            .args(args)
            .current_dir(repo(""))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_dir(out.path()).unwrap().count(),
            0,
            "nothing written for {args:?}"
        );
    }
}

#[test]
fn sobol_indices_put_everything_on_the_one_parameter_that_matters() {
    // Availability depends on the failure's mean time only; the database size matters only to
    // restores after regional disasters, which this scenario has none of. On common random numbers
    // a parameter without effect leaves every evaluation unchanged, so its indices are exactly 0.
    let text = std::fs::read_to_string(repo(ORACLE)).unwrap().replace(
        "[uncertainty]\ndraws = 200\n",
        "[uncertainty]\ndraws = 64\nsobol = [\"availability.component-up\"]\n\n[[uncertain]]\n\
         parameter = \"recovery.database.size_gb\"\nfactor = \"uniform(0.5, 2)\"\n",
    );
    let plan = Plan::from_source(&text, std::path::Path::new("sobol.toml")).unwrap();
    let plan = with(&plan, &[Override::replications(30)]);
    let (design, _, summary) = run_whole(&plan, &Runner::new(None), &RunOptions::default()).unwrap();
    assert_eq!(design.len(), 64 * 4, "Saltelli: draws x (parameters + 2)");
    let u = summary.uncertainty.as_ref().unwrap();
    assert_eq!(u.design, "saltelli");
    let per = u.sobol.get("availability.component-up").expect("indices computed");
    let size = per.get("recovery.database.size_gb").unwrap();
    assert_eq!((size.first, size.total), (0.0, 0.0), "{size:?}");
    let ttf = per.get("failures[name=component-failure].time_to_failure").unwrap();
    let eta = u
        .metrics
        .get("availability.component-up")
        .unwrap()
        .inner_mc_share
        .unwrap();
    eprintln!("time to failure: {ttf:?}; inner MC share {eta}");
    // With one parameter that matters, S = S_T = 1 but for the noise: S_T → 1 exactly (Jansen
    // with the other column fixed), S → 1 − η; both intervals hold those values.
    assert!(ttf.total_ci95[0] <= 1.0 && 1.0 <= ttf.total_ci95[1] + 1e-12, "{ttf:?}");
    assert!(
        ttf.first_ci95[0] <= 1.0 - eta && 1.0 - eta <= ttf.first_ci95[1],
        "{ttf:?}"
    );
}

/// Runs `args` of the binary in the repository; panics unless it exits 0.
fn ok(args: &[&str]) {
    let o = bin().args(args).current_dir(repo("")).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn shards_of_a_two_level_run_merge_into_the_run_of_one_process_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).to_str().unwrap().to_string();
    // With Sobol indices the design is A, B, AB1, AB2: four shards of 8 points each, three of
    // which pool no replications at all.
    let sobol = std::fs::read_to_string(repo(ORACLE)).unwrap().replace(
        "[uncertainty]\ndraws = 200\n",
        "[uncertainty]\ndraws = 200\nsobol = [\"availability.component-up\"]\n\n[[uncertain]]\n\
         parameter = \"failures[name=component-failure].time_to_repair\"\nfactor = \"uniform(0.5, 2)\"\n",
    );
    std::fs::write(dir.path().join("sobol.toml"), sobol).unwrap();
    for (file, shards) in [(repo(ORACLE).to_str().unwrap().to_string(), 3), (d("sobol.toml"), 4)] {
        let common = ["--draws", "8", "--replications", "15", "--quiet"];
        let whole = d(&format!("whole-{shards}"));
        let parts = d(&format!("parts-{shards}"));
        let merged = d(&format!("merged-{shards}"));
        ok(&[&["run", &file, "--out", &whole][..], &common].concat());
        let mut dirs = Vec::new();
        for k in 0..shards {
            let shard = format!("{k}/{shards}");
            ok(&[&["run", &file, "--out", &parts, "--shard", &shard][..], &common].concat());
            let name = std::fs::read_dir(&parts)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_str().unwrap().ends_with(&format!(".shard-{k}-of-{shards}")))
                .unwrap();
            dirs.push(name.to_str().unwrap().to_string());
        }
        // In any order.
        dirs.reverse();
        let mut args = vec!["merge", "--quiet", "--out", &merged];
        args.extend(dirs.iter().map(String::as_str));
        ok(&args);
        let one = |root: &str, f: &str| {
            let sub = std::fs::read_dir(root).unwrap().next().unwrap().unwrap().path();
            std::fs::read(sub.join(f)).unwrap()
        };
        for f in ["summary.json", "draws.csv"] {
            assert!(
                one(&whole, f) == one(&merged, f),
                "{f} differs with {shards} shards of {file}"
            );
        }
        // A shard whose points were altered, even with its checksum made to match, is refused.
        let partial = std::path::Path::new(&dirs[0]).join("partial.json");
        let mut p = outage_sim::montecarlo::Partial::from_json(&std::fs::read(&partial).unwrap()).unwrap();
        p.draws.as_mut().unwrap().evaluations.pop();
        std::fs::write(&partial, serde_json::to_vec(&p.sealed()).unwrap()).unwrap();
        let o = bin().args(&args[..3]).arg(d("again")).args(&dirs).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("evaluated points, but its shard covers"), "{err}");
    }
}
