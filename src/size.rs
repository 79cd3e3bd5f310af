//! `Size`: a count that cannot leave 1..=i64::MAX — filters, units, groups.
//!
//! Files hold numbers as TOML integers (i64) and a count of zero means
//! nothing, so a value outside that range could never be written back: the
//! first version let `>` double filters past i64::MAX and then saved a
//! negative number layerlab refused to read. Every way to make a `Size`
//! checks the range, so every `Size` can be saved and read back.

use std::fmt;
use std::num::NonZeroU64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Size(NonZeroU64);

impl Size {
    pub const ONE: Size = Size(NonZeroU64::MIN);
    /// The largest size a file can hold.
    pub const MAX: Size = match NonZeroU64::new(i64::MAX as u64) {
        Some(n) => Size(n),
        None => unreachable!(),
    };

    /// `n` as a size, if it is within 1..=i64::MAX.
    pub const fn new(n: u64) -> Option<Size> {
        match NonZeroU64::new(n) {
            Some(nz) if n <= i64::MAX as u64 => Some(Size(nz)),
            _ => None,
        }
    }

    /// A size from a file's integer, if it is positive.
    pub fn from_i64(n: i64) -> Option<Size> {
        u64::try_from(n).ok().and_then(Size::new)
    }

    pub const fn get(self) -> u64 {
        self.0.get()
    }

    /// The integer a file holds: never fails, by the range.
    pub fn to_i64(self) -> i64 {
        i64::try_from(self.get()).unwrap_or(i64::MAX)
    }

    pub fn checked_add(self, n: u64) -> Option<Size> {
        self.get().checked_add(n).and_then(Size::new)
    }

    pub fn checked_sub(self, n: u64) -> Option<Size> {
        self.get().checked_sub(n).and_then(Size::new)
    }

    pub fn checked_mul(self, n: u64) -> Option<Size> {
        self.get().checked_mul(n).and_then(Size::new)
    }

    /// Half, rounded down, but at least 1.
    pub fn halved(self) -> Size {
        Size::new(self.get() / 2).unwrap_or(Size::ONE)
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_stays_within_what_a_file_can_hold() {
        assert_eq!(Size::new(0), None);
        assert_eq!(Size::new(1), Some(Size::ONE));
        assert_eq!(Size::new(i64::MAX as u64), Some(Size::MAX));
        assert_eq!(Size::new(i64::MAX as u64 + 1), None);
        assert_eq!(Size::from_i64(-4), None);
        assert_eq!(Size::MAX.to_i64(), i64::MAX);
        assert_eq!(Size::MAX.checked_add(1), None);
        assert_eq!(Size::new(1 << 62).and_then(|s| s.checked_mul(2)), None);
        assert_eq!(Size::ONE.checked_sub(1), None);
        assert_eq!(Size::ONE.halved(), Size::ONE);
        assert_eq!(Size::new(7).map(Size::halved), Size::new(3));
    }
}
