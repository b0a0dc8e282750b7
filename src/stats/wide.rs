//! A minimal unsigned 256-bit integer, just enough for exact sums of squares
//! and the exact variance numerator `n·Σx² − (Σx)²`.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Unsigned 256-bit integer stored as four little-endian `u64` limbs.
///
/// All arithmetic is checked (`None` on overflow/underflow); nothing wraps.
/// Serialized as a decimal string so it survives any JSON tooling.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct U256([u64; 4]);

impl U256 {
    /// Zero.
    pub(crate) const ZERO: U256 = U256([0; 4]);

    /// Widens a `u128`.
    pub(crate) fn from_u128(v: u128) -> U256 {
        U256([v as u64, (v >> 64) as u64, 0, 0])
    }

    /// The exact product of two `u128` (never overflows 256 bits).
    pub(crate) fn widening_mul(a: u128, b: u128) -> U256 {
        let a = [a as u64, (a >> 64) as u64];
        let b = [b as u64, (b >> 64) as u64];
        let mut out = [0u64; 4];
        for i in 0..2 {
            let mut carry: u128 = 0;
            for j in 0..2 {
                // (2^64-1)^2 + 2·(2^64-1) = 2^128 - 1: fits in u128.
                let t = u128::from(a[i]) * u128::from(b[j]) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + 2] = carry as u64;
        }
        U256(out)
    }

    /// `self + rhs`, or `None` on overflow.
    pub(crate) fn checked_add(self, rhs: U256) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (s1, c1) = self.0[i].overflowing_add(rhs.0[i]);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *o = s2;
            carry = c1 || c2;
        }
        (!carry).then_some(U256(out))
    }

    /// `self - rhs`, or `None` if `rhs > self`.
    pub(crate) fn checked_sub(self, rhs: U256) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (d1, b1) = self.0[i].overflowing_sub(rhs.0[i]);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *o = d2;
            borrow = b1 || b2;
        }
        (!borrow).then_some(U256(out))
    }

    /// `self · m`, or `None` on overflow.
    pub(crate) fn checked_mul_u64(self, m: u64) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut carry: u128 = 0;
        for (i, o) in out.iter_mut().enumerate() {
            let t = u128::from(self.0[i]) * u128::from(m) + carry;
            *o = t as u64;
            carry = t >> 64;
        }
        (carry == 0).then_some(U256(out))
    }

    /// Divides by a non-zero `u64`, returning quotient and remainder.
    fn div_rem_u64(self, d: u64) -> (U256, u64) {
        assert!(d != 0, "division by zero");
        let mut out = [0u64; 4];
        let mut rem: u128 = 0;
        for i in (0..4).rev() {
            let cur = (rem << 64) | u128::from(self.0[i]);
            out[i] = (cur / u128::from(d)) as u64;
            rem = cur % u128::from(d);
        }
        (U256(out), rem as u64)
    }

    /// Number of significant bits (0 for zero).
    fn bits(self) -> u32 {
        for i in (0..4).rev() {
            if self.0[i] != 0 {
                return 64 * i as u32 + (64 - self.0[i].leading_zeros());
            }
        }
        0
    }

    /// Nearest `f64` (round-to-nearest-even, i.e. correctly rounded).
    pub(crate) fn to_f64(self) -> f64 {
        let lo = u128::from(self.0[0]) | (u128::from(self.0[1]) << 64);
        let hi = u128::from(self.0[2]) | (u128::from(self.0[3]) << 64);
        let bits = self.bits();
        if bits <= 128 {
            return lo as f64;
        }
        // Keep the top 128 bits; OR a "sticky" bit for anything shifted out so
        // that the final u128 -> f64 rounding (at bit 74 or above) still sees
        // whether the discarded tail was non-zero. This yields correct rounding.
        let shift = bits - 128; // 1..=128
        let (top, sticky) = if shift == 128 {
            (hi, lo != 0)
        } else {
            ((hi << (128 - shift)) | (lo >> shift), lo & ((1u128 << shift) - 1) != 0)
        };
        (top | u128::from(sticky)) as f64 * 2f64.powi(shift as i32)
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for U256 {
    /// Decimal representation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CHUNK: u64 = 10_000_000_000_000_000_000; // 10^19
        let mut chunks = Vec::new();
        let mut v = *self;
        loop {
            let (q, r) = v.div_rem_u64(CHUNK);
            chunks.push(r);
            v = q;
            if v == U256::ZERO {
                break;
            }
        }
        let mut s = chunks.pop().map(|c| c.to_string()).unwrap_or_default();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:019}"));
        }
        f.pad(&s)
    }
}

impl fmt::Debug for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for U256 {
    type Err = String;

    /// Parses a non-empty string of ASCII decimal digits (no sign).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err("empty 256-bit integer".into());
        }
        let mut v = U256::ZERO;
        for ch in s.bytes() {
            if !ch.is_ascii_digit() {
                return Err(format!("invalid digit in 256-bit integer {s:?}"));
            }
            v = v
                .checked_mul_u64(10)
                .and_then(|v| v.checked_add(U256::from_u128(u128::from(ch - b'0'))))
                .ok_or_else(|| format!("256-bit integer {s:?} overflows"))?;
        }
        Ok(v)
    }
}

impl Serialize for U256 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for U256 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: u64 = u64::MAX;

    #[test]
    fn widening_mul_known_products() {
        // (2^64-1)^2 = 2^128 - 2^65 + 1 = limbs [1, 2^64-2, 0, 0]
        assert_eq!(U256::widening_mul(u128::from(M), u128::from(M)), U256([1, M - 1, 0, 0]));
        // (2^128-1)^2 = 2^256 - 2^129 + 1 = limbs [1, 0, 2^64-2, 2^64-1]
        assert_eq!(U256::widening_mul(u128::MAX, u128::MAX), U256([1, 0, M - 1, M]));
        // 2^127 · 2 = 2^128
        assert_eq!(U256::widening_mul(1 << 127, 2), U256([0, 0, 1, 0]));
        // small: 12345 · 6789 = 83810205
        assert_eq!(U256::widening_mul(12345, 6789), U256::from_u128(83_810_205));
        // cross-check against u128 for products that fit
        let (a, b) = (0xDEAD_BEEF_1234_5678u128, 0x0FED_CBA9_8765_4321u128);
        assert_eq!(U256::widening_mul(a, b), U256::from_u128(a * b));
        // 0 · anything
        assert_eq!(U256::widening_mul(0, u128::MAX), U256::ZERO);
    }

    #[test]
    fn checked_add_sub_mul() {
        let max = U256([M; 4]);
        assert_eq!(max.checked_add(U256::from_u128(1)), None);
        assert_eq!(
            U256([M, M, 0, 0]).checked_add(U256::from_u128(1)),
            Some(U256([0, 0, 1, 0]))
        );
        assert_eq!(U256::ZERO.checked_sub(U256::from_u128(1)), None);
        assert_eq!(
            U256([0, 0, 1, 0]).checked_sub(U256::from_u128(1)),
            Some(U256([M, M, 0, 0]))
        );
        assert_eq!(max.checked_mul_u64(2), None);
        assert_eq!(max.checked_mul_u64(1), Some(max));
        assert_eq!(
            U256([0, 0, 0, 1 << 62]).checked_mul_u64(4),
            None,
            "2^254 · 4 = 2^256 overflows"
        );
        assert_eq!(
            U256([M, 0, 0, 0]).checked_mul_u64(M),
            Some(U256::widening_mul(u128::from(M), u128::from(M)))
        );
        // 2^128-1 = (2^64-1)·(2^64+1), so with X = 2^128-1:
        // X² = X·(2^64-1)·(2^64-1) + 2·X·(2^64-1)
        let xm = U256::from_u128(u128::MAX).checked_mul_u64(M).unwrap();
        let x = xm
            .checked_mul_u64(M)
            .unwrap()
            .checked_add(xm.checked_mul_u64(2).unwrap())
            .unwrap();
        assert_eq!(x, U256::widening_mul(u128::MAX, u128::MAX));
    }

    #[test]
    fn ordering_uses_most_significant_limb() {
        assert!(U256([0, 0, 0, 1]) > U256([M, M, M, 0]));
        assert!(U256([1, 0, 0, 0]) < U256([0, 1, 0, 0]));
        assert_eq!(U256([3, 2, 1, 0]).cmp(&U256([3, 2, 1, 0])), Ordering::Equal);
    }

    #[test]
    fn to_f64_is_correctly_rounded() {
        assert_eq!(U256::ZERO.to_f64(), 0.0);
        assert_eq!(U256::from_u128(u128::MAX).to_f64(), u128::MAX as f64);
        assert_eq!(U256([0, 0, 0, 1]).to_f64(), 2f64.powi(192));
        assert_eq!(U256([0, 0, 0, 1 << 63]).to_f64(), 2f64.powi(255));
        // (2^128-1)^2 rounds to 2^256
        assert_eq!(U256::widening_mul(u128::MAX, u128::MAX).to_f64(), 2f64.powi(256));
        // 2^130 + 2^77 is exactly half an ulp above 2^130: ties to even -> 2^130
        let tie = U256([0, 1 << 13, 4, 0]);
        assert_eq!(tie.to_f64(), 2f64.powi(130));
        // ... but one more unit in the last (discarded) bit must round up.
        let above = U256([1, 1 << 13, 4, 0]);
        assert_eq!(above.to_f64(), 2f64.powi(130) + 2f64.powi(78));
        // 2^200 + 2^147 + 1: tie broken only by the sticky bit far below
        let mut limbs = [0u64; 4];
        limbs[3] = 1 << 8; // 2^200
        limbs[2] = 1 << 19; // 2^147
        limbs[0] = 1;
        assert_eq!(
            U256(limbs).to_f64(),
            2f64.powi(200) + 2f64.powi(148),
            "sticky bit must break the tie upwards"
        );
    }

    #[test]
    fn decimal_round_trip() {
        let max = U256([M; 4]);
        let s = max.to_string();
        assert_eq!(
            s,
            "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        );
        assert_eq!(s.parse::<U256>().unwrap(), max);
        assert_eq!(U256::ZERO.to_string(), "0");
        assert_eq!("0".parse::<U256>().unwrap(), U256::ZERO);
        assert_eq!(
            U256::from_u128(10_000_000_000_000_000_000).to_string(),
            "10000000000000000000"
        );
        let p = U256::widening_mul(123_456_789_012_345_678_901_234, 987_654_321);
        assert_eq!(p.to_string().parse::<U256>().unwrap(), p);
        assert!(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
                .parse::<U256>()
                .is_err(),
            "2^256 must not parse"
        );
        assert!("".parse::<U256>().is_err());
        assert!("-1".parse::<U256>().is_err());
        assert!("12a".parse::<U256>().is_err());
        let json = serde_json::to_string(&max).unwrap();
        assert_eq!(serde_json::from_str::<U256>(&json).unwrap(), max);
    }
}
