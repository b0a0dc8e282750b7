//! JSON objects keyed by name, in a fixed order: per plane (`control_plane`, `data_plane`) and per
//! name (features, statuses) in scenario order. Keys are metric path segments, and a fixed order
//! keeps equal statistics byte-identical (a sorted map would reorder features).

use crate::model::Plane;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;
use std::ops::Index;

/// One value per plane, serialized as `{"control_plane": …, "data_plane": …}` (the keys are
/// [`Plane::key`]; a test pins that).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerPlane<T> {
    /// The control plane's.
    pub control_plane: T,
    /// The data plane's.
    pub data_plane: T,
}

impl<T> PerPlane<T> {
    /// Built plane by plane, in [`Plane::ALL`] order.
    pub fn new(mut value: impl FnMut(Plane) -> T) -> PerPlane<T> {
        let control_plane = value(Plane::Control);
        let data_plane = value(Plane::Data);
        PerPlane {
            control_plane,
            data_plane,
        }
    }

    /// Each plane and its value, in [`Plane::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Plane, &T)> {
        Plane::ALL.into_iter().map(move |p| (p, &self[p]))
    }
}

impl<T> Index<Plane> for PerPlane<T> {
    type Output = T;
    fn index(&self, p: Plane) -> &T {
        match p {
            Plane::Control => &self.control_plane,
            Plane::Data => &self.data_plane,
        }
    }
}

/// Values by name, serialized as a JSON object in this order; names are unique.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyed<T>(pub Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Keyed<T> {
        Keyed(Vec::new())
    }
}

impl<T> Keyed<T> {
    /// The value under `name`.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether it has no name.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Names and values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<T> FromIterator<(String, T)> for Keyed<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Keyed<T> {
        Keyed(iter.into_iter().collect())
    }
}

impl<T: Serialize> Serialize for Keyed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Keyed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Keyed<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object keyed by name")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keyed<T>, A::Error> {
                let mut out: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key \"{key}\"")));
                    }
                    let value = map.next_value()?;
                    out.push((key, value));
                }
                Ok(Keyed(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A plane written as its key (`"data_plane"`), as everywhere else in the summary, rather than
/// as the scenario file spells it (`"data"`).
pub(in crate::montecarlo) mod plane_key {
    use crate::model::Plane;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::montecarlo) fn serialize<S: Serializer>(p: &Plane, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.key())
    }

    pub(in crate::montecarlo) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Plane, D::Error> {
        let key = String::deserialize(d)?;
        Plane::from_key(&key).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown plane \"{key}\" (expected control_plane or data_plane)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planes_are_keyed_by_their_keys_and_names_keep_their_order() {
        let per = PerPlane::new(|p| p.index());
        let json = serde_json::to_string(&per).unwrap();
        assert_eq!(
            json,
            format!("{{\"{}\":0,\"{}\":1}}", Plane::Control.key(), Plane::Data.key())
        );
        assert_eq!(serde_json::from_str::<PerPlane<usize>>(&json).unwrap(), per);
        assert_eq!(per[Plane::Data], 1);
        let keyed: Keyed<u64> = [("zeta".to_string(), 1), ("alpha".to_string(), 2)]
            .into_iter()
            .collect();
        let json = serde_json::to_string(&keyed).unwrap();
        assert_eq!(json, r#"{"zeta":1,"alpha":2}"#);
        assert_eq!(serde_json::from_str::<Keyed<u64>>(&json).unwrap(), keyed);
        assert_eq!(keyed.get("alpha"), Some(&2));
        let e = serde_json::from_str::<Keyed<u64>>(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key \"a\""), "{e}");
    }
}
