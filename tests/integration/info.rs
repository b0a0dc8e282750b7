//! The informational commands: `regions` and every `--help`.

use super::common::bin;

#[test]
fn regions_lists_the_built_in_regions_as_a_table_and_as_json() {
    let a = bin().arg("regions").assert().success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("REGION") && lines[0].contains("ZONES") && lines[0].contains("PAIR"));
    // Aligned: every row's zone count ends in the same column as the header's ZONES.
    let zones_end = lines[0].find("ZONES").unwrap() + "ZONES".len();
    let row = |name: &str| *lines.iter().find(|l| l.split("  ").next() == Some(name)).expect(name);
    let west3 = row("West US 3");
    assert_eq!(&west3[zones_end - 1..zones_end], "3", "{text}");
    assert!(west3.ends_with("East US (one-way)"), "{text}");
    assert!(row("East US").ends_with("  West US"), "{text}");

    let a = bin().args(["regions", "--format", "json"]).assert().success();
    let json: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let regions = json.as_array().unwrap();
    assert_eq!(regions.len(), outage_sim::model::regions::built_in().len());
    let find = |name: &str| regions.iter().find(|r| r["name"] == name).unwrap();
    assert_eq!(
        find("West US 3"),
        &serde_json::json!({ "name": "West US 3", "zones": 3, "pair": "East US", "one_way": true })
    );
    assert_eq!(find("East US")["one_way"], false);
    assert_eq!(find("West US")["zones"], 0);

    bin().args(["regions", "--format", "yaml"]).assert().code(2);
}

/// Every command path (`run`, `experiment backoff`, ...), from the command-line definition, so
/// that a new subcommand is covered without editing this test.
fn command_paths(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
    for sub in cmd.get_subcommands() {
        let mut path = prefix.to_vec();
        path.push(sub.get_name().to_string());
        command_paths(sub, &path, out);
        out.push(path);
    }
}

#[test]
fn every_help_succeeds_cites_docs_and_the_top_level_states_the_exit_codes_once() {
    use clap::CommandFactory;
    let mut paths = vec![Vec::new()];
    command_paths(&outage_sim::cli::Cli::command(), &[], &mut paths);
    assert!(paths.len() > 12, "{paths:?}");
    for path in &paths {
        for flag in ["--help", "-h"] {
            let a = bin().args(path).arg(flag).assert().success();
            let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
            let usage = format!("Usage: outage-sim {}", path.join(" "));
            assert!(text.contains(usage.trim_end()), "{path:?} {flag}:\n{text}");
            // User-facing help cites the model by its path in the repository.
            assert_eq!(
                text.matches("MODEL.md").count(),
                text.matches("docs/MODEL.md").count(),
                "{path:?} {flag} cites MODEL.md without docs/:\n{text}"
            );
            if path.is_empty() {
                assert_eq!(text.matches("Exit codes").count(), 1, "{flag}:\n{text}");
                for code in ["0 success", "1 the run failed", "2 bad input"] {
                    assert!(text.contains(code), "{code:?} in {flag}:\n{text}");
                }
            } else {
                assert!(!text.contains("Exit codes"), "{path:?} {flag}:\n{text}");
            }
        }
    }
}
