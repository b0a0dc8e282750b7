//! Built-in regions: the zone-enabled regions that host Community Training, and their pairs.
//!
//! Source: the Community Training reliability article's region table (zone-enabled regions) and the Azure
//! paired-regions list (2026) as summarised in docs/MODEL.md section 2. Pairs are directional:
//! West US 3 → East US is one-way (East US itself pairs with West US). Zone counts of the
//! secondary regions follow the same Azure documentation (0 = no availability zones); they only
//! matter for deployments placed there, since the DR side is always zonal.

/// A region: its zone count (0 = no zone support) and its pair (`None` = unpaired).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Display name, e.g. "East US".
    pub name: String,
    /// Number of availability zones (0 when the region has none).
    pub zones: u32,
    /// The paired region that receives DR, if any.
    pub pair: Option<String>,
}

const BUILT_IN: &[(&str, u32, Option<&str>)] = &[
    // Zone-enabled regions of the reliability article, with their pairs.
    ("West US 2", 3, Some("West Central US")),
    ("South Central US", 3, Some("North Central US")),
    ("East US 2", 3, Some("Central US")),
    ("East US", 3, Some("West US")),
    ("West US 3", 3, Some("East US")),
    ("UK South", 3, Some("UK West")),
    ("West Europe", 3, Some("North Europe")),
    ("North Europe", 3, Some("West Europe")),
    ("Sweden Central", 3, Some("Sweden South")),
    ("Southeast Asia", 3, Some("East Asia")),
    ("Australia East", 3, Some("Australia Southeast")),
    // Their pairs (the DR side).
    ("West Central US", 0, Some("West US 2")),
    ("North Central US", 0, Some("South Central US")),
    ("Central US", 3, Some("East US 2")),
    ("West US", 0, Some("East US")),
    ("UK West", 0, Some("UK South")),
    ("Sweden South", 0, Some("Sweden Central")),
    ("East Asia", 3, Some("Southeast Asia")),
    ("Australia Southeast", 0, Some("Australia East")),
];

/// The built-in region table, in a fixed order.
pub fn built_in() -> Vec<Region> {
    BUILT_IN
        .iter()
        .map(|(name, zones, pair)| Region {
            name: (*name).to_string(),
            zones: *zones,
            pair: pair.map(str::to_string),
        })
        .collect()
}

/// Whether the pair of `region` pairs back with it (`None`: unpaired). West US 3 → East US is
/// one-way: East US pairs with West US.
pub fn pairs_back(region: &Region, table: &[Region]) -> Option<bool> {
    let pair = region.pair.as_ref()?;
    Some(
        table
            .iter()
            .find(|r| &r.name == pair)
            .is_some_and(|p| p.pair.as_ref() == Some(&region.name)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_is_a_known_region_and_reference_regions_have_zones() {
        let regions = built_in();
        for r in &regions {
            let pair = r.pair.as_ref().expect("built-in regions are paired");
            assert!(regions.iter().any(|x| &x.name == pair), "{} -> {pair}", r.name);
        }
        for name in ["West US 2", "East US", "West Europe", "Australia East"] {
            assert_eq!(regions.iter().find(|r| r.name == name).unwrap().zones, 3);
        }
        let east = regions.iter().find(|r| r.name == "East US").unwrap();
        assert_eq!(east.pair.as_deref(), Some("West US"));
        assert_eq!(pairs_back(east, &regions), Some(true));
        let west3 = regions.iter().find(|r| r.name == "West US 3").unwrap();
        assert_eq!(
            pairs_back(west3, &regions),
            Some(false),
            "West US 3 -> East US is one-way"
        );
    }
}
