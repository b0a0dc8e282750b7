//! Hints for an unknown metric path: the new name of a path from before summary schema 2, or
//! the known path a typo is closest to; and the list of known paths.

use crate::model::metric::MetricDef;

/// How metric paths were written before they became the key paths of `summary.json` (schema
/// version 2), for the hint only: a name here resolves nowhere else. An entry ending in `.`
/// renames every path under that prefix; the others rename one path. The first match wins, so
/// exact names and longer prefixes come first.
const RENAMED: &[(&str, &str)] = &[
    ("control_plane.rto.p_meet", "zone_incidents.control_plane.p_meet_rto"),
    ("control_plane.rpo.p_meet", "zone_incidents.control_plane.p_meet_rpo"),
    ("data_plane.rto.p_meet", "zone_incidents.data_plane.p_meet_rto"),
    ("data_plane.rpo.p_meet", "zone_incidents.data_plane.p_meet_rpo"),
    (
        "control_plane.rto_misses_per_replication",
        "misses_per_replication.control_plane.rto",
    ),
    (
        "control_plane.rpo_misses_per_replication",
        "misses_per_replication.control_plane.rpo",
    ),
    (
        "data_plane.rto_misses_per_replication",
        "misses_per_replication.data_plane.rto",
    ),
    (
        "data_plane.rpo_misses_per_replication",
        "misses_per_replication.data_plane.rpo",
    ),
    (
        "region_disaster.control_plane.rto.p_meet",
        "region_disasters.control_plane.p_meet_rto",
    ),
    (
        "region_disaster.control_plane.rpo.p_meet",
        "region_disasters.control_plane.p_meet_rpo",
    ),
    (
        "region_disaster.data_plane.rto.p_meet",
        "region_disasters.data_plane.p_meet_rto",
    ),
    (
        "region_disaster.data_plane.rpo.p_meet",
        "region_disasters.data_plane.p_meet_rpo",
    ),
    (
        "region_disaster.disasters_per_replication",
        "region_disasters.per_replication",
    ),
    (
        "region_disaster.control_plane.read_only.",
        "region_disasters.control_plane_read_only.",
    ),
    (
        "region_disaster.control_plane.full_operation.",
        "region_disasters.control_plane_full.",
    ),
    ("region_disaster.", "region_disasters."),
    ("control_plane.", "zone_incidents.control_plane."),
    ("data_plane.", "zone_incidents.data_plane."),
];

/// `key` under its schema-2 name, when it is a name from before.
fn renamed(key: &str) -> Option<String> {
    RENAMED.iter().find_map(|(old, new)| {
        if old.ends_with('.') {
            key.strip_prefix(old).map(|rest| format!("{new}{rest}"))
        } else {
            (key == *old).then(|| new.to_string())
        }
    })
}

/// What to say about an unknown `key`: its new name, or the known path it is a typo of (of its
/// new name, for a renamed path with a typo).
pub(super) fn suggestion(key: &str, known: &[MetricDef]) -> Option<String> {
    let new = renamed(key);
    let candidate = new.as_deref().unwrap_or(key);
    if new.is_some() && known.iter().any(|d| d.path == candidate) {
        return Some(format!(
            "metric paths are the key paths of summary.json since its schema version 2: \"{key}\" is now \"{candidate}\""
        ));
    }
    closest(candidate, known).map(|p| format!("did you mean \"{p}\"?"))
}

/// The known paths of `key`'s section (its first segment), grouped by their prefix
/// (`zone_incidents.data_plane.rto.{mean, min, ...}`); when the section is unknown, the sections.
pub(super) fn list_known(key: &str, known: &[MetricDef], has_clients: bool) -> String {
    let section = |path: &str| path.split('.').next().unwrap_or("").to_string();
    let mine: Vec<&MetricDef> = known.iter().filter(|d| section(&d.path) == section(key)).collect();
    if mine.is_empty() {
        let mut sections: Vec<String> = Vec::new();
        for d in known {
            let mut s = format!("{}.", section(&d.path));
            if d.metric.needs_clients() && !has_clients {
                s.push_str(" (with a [clients] section)");
            }
            if !sections.contains(&s) {
                sections.push(s);
            }
        }
        return format!("metric paths start with {}", sections.join(", "));
    }
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for d in mine {
        // Availability paths split after `availability.` (feature names may contain dots).
        let (prefix, last) = match d.path.strip_prefix("availability.") {
            Some(rest) => ("availability", rest),
            None => d.path.rsplit_once('.').expect("metric paths have a dot"),
        };
        match groups.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, lasts)) => lasts.push(last),
            None => groups.push((prefix, vec![last])),
        }
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|(prefix, lasts)| match lasts.as_slice() {
            [one] => format!("{prefix}.{one}"),
            many => format!("{prefix}.{{{}}}", many.join(", ")),
        })
        .collect();
    format!("known under {}: {}", section(key), listed.join("; "))
}

/// The known path closest to `key` by edit distance, when it is close (a typo).
fn closest<'a>(key: &str, known: &'a [MetricDef]) -> Option<&'a str> {
    known
        .iter()
        .map(|d| (edit_distance(key, &d.path), d.path.as_str()))
        .min_by_key(|(dist, _)| *dist)
        .filter(|(dist, _)| *dist <= 3)
        .map(|(_, p)| p)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Plane;
    use crate::model::metric::catalogue;

    #[test]
    fn every_renamed_path_of_the_old_catalogue_names_a_known_path() {
        let known = catalogue(&[("browse-learn".into(), Plane::Data)]);
        let old = [
            "data_plane.rto.p95",
            "control_plane.rpo.max",
            "data_plane.rto.p_meet",
            "control_plane.rpo.p_meet",
            "data_plane.incidents_per_replication",
            "data_plane.rto_misses_per_replication",
            "control_plane.rpo_misses_per_replication",
            "region_disaster.disasters_per_replication",
            "region_disaster.data_plane.rto.p95",
            "region_disaster.control_plane.rpo.p_meet",
            "region_disaster.control_plane.read_only.mean",
            "region_disaster.control_plane.full_operation.p99",
            "region_disaster.media_unavailable.max",
            "region_disaster.uploads_at_risk.p50",
        ];
        for key in old {
            let new = renamed(key).unwrap_or_else(|| panic!("{key} has no new name"));
            assert!(known.iter().any(|d| d.path == new), "{key} -> {new}, not a known path");
            let hint = suggestion(key, &known).unwrap();
            assert!(hint.contains(&format!("\"{key}\" is now \"{new}\"")), "{hint}");
        }
        assert_eq!(
            renamed("data_plane.rto.p95").as_deref(),
            Some("zone_incidents.data_plane.rto.p95")
        );
        assert_eq!(
            renamed("region_disaster.control_plane.read_only.mean").as_deref(),
            Some("region_disasters.control_plane_read_only.mean")
        );
        // Paths that kept their names are not renamed.
        assert_eq!(renamed("availability.data_plane"), None);
        assert_eq!(renamed("clients.latency.p99"), None);
        // An old path with a typo: the typo is corrected on its new name.
        assert_eq!(
            suggestion("data_plane.rpo.mx", &known).as_deref(),
            Some("did you mean \"zone_incidents.data_plane.rpo.max\"?")
        );
        assert_eq!(suggestion("throughput", &known), None);
    }

    #[test]
    fn edit_distance_counts_single_char_edits() {
        assert_eq!(edit_distance("p95", "p95"), 0);
        assert_eq!(edit_distance("p59", "p95"), 2);
        assert_eq!(edit_distance("rto", "rpo"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
