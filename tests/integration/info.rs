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
