//! Value encoding: one version byte, then the record in bincode.
//!
//! bincode does not preserve order, so it is used for values only; keys are hand-encoded in
//! `keys`. The config (`standard`: little-endian, variable-length integers) is part of the
//! on-disk format. A new layout of any stored struct takes a new version byte, and decoding
//! learns to read the old one.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// The version byte in front of every record value written by this build.
pub(crate) const VALUE_VERSION: u8 = 1;

/// The version byte of a record page or posting chunk whose body is compressed (`compress`).
pub(crate) const PACKED_VERSION: u8 = 2;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub(crate) fn encode_value<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = vec![VALUE_VERSION];
    bincode::serde::encode_into_std_write(value, &mut bytes, config())
        .map_err(|e| Error::Internal(format!("cannot encode a value: {e}")))?;
    Ok(bytes)
}

pub(crate) fn decode_value<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, body)) => {
            let (value, read) = bincode::serde::decode_from_slice(body, config())
                .map_err(|e| Error::Corrupt(format!("a stored value does not decode: {e}")))?;
            if read != body.len() {
                return Err(Error::Corrupt("a stored value has trailing bytes".into()));
            }
            Ok(value)
        }
        Some((version, _)) => Err(Error::Corrupt(format!("unknown value version {version}"))),
        None => Err(Error::Corrupt("an empty stored value".into())),
    }
}

/// Appends `n` as a LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a LEB128 varint at `*at`, advancing it.
#[inline]
pub(crate) fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64> {
    // Most varints in posting entries are one byte; ids and their deltas mostly two or
    // three. Those are read here, inline, with one bounds check; longer ones out of line.
    match bytes.get(*at..).unwrap_or_default() {
        [b0, ..] if *b0 < 0x80 => {
            *at += 1;
            Ok(u64::from(*b0))
        }
        [b0, b1, ..] if *b1 < 0x80 => {
            *at += 2;
            Ok(u64::from(b0 & 0x7f) | u64::from(*b1) << 7)
        }
        [b0, b1, b2, ..] if *b2 < 0x80 => {
            *at += 3;
            Ok(u64::from(b0 & 0x7f) | u64::from(b1 & 0x7f) << 7 | u64::from(*b2) << 14)
        }
        _ => get_long_varint(bytes, at),
    }
}

fn get_long_varint(bytes: &[u8], at: &mut usize) -> Result<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or_else(|| Error::Corrupt("a varint runs past the end of its value".into()))?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(Error::Corrupt("a varint is longer than 10 bytes".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn varints_round_trip(values in proptest::collection::vec(any::<u64>(), 0..20)) {
            let mut bytes = Vec::new();
            for &v in &values {
                put_varint(&mut bytes, v);
            }
            let mut at = 0;
            for &v in &values {
                prop_assert_eq!(get_varint(&bytes, &mut at).unwrap(), v);
            }
            prop_assert_eq!(at, bytes.len());
        }

        /// The inline short forms read every byte string as the general loop does: the
        /// same value (overlong forms included), the same length, the same refusals.
        #[test]
        fn short_forms_read_as_the_loop_does(
            bytes in proptest::collection::vec(
                prop_oneof![0u8..0x80, 0x80u8..=0xff, Just(0x80u8), Just(0u8)], 0..12),
            start in 0usize..13,
        ) {
            let (mut fast, mut slow) = (start, start);
            let by_fast = get_varint(&bytes, &mut fast).ok();
            let by_slow = get_long_varint(&bytes, &mut slow).ok();
            prop_assert_eq!(by_fast, by_slow);
            if by_fast.is_some() {
                prop_assert_eq!(fast, slow);
            }
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = decode_value::<crate::model::Meeting>(&bytes);
            let mut at = 0;
            let _ = get_varint(&bytes, &mut at);
        }
    }

    #[test]
    fn refuses_unknown_versions() {
        let mut bytes = encode_value(&"x".to_string()).unwrap();
        assert_eq!(decode_value::<String>(&bytes).unwrap(), "x");
        bytes[0] = 99;
        assert!(matches!(
            decode_value::<String>(&bytes),
            Err(Error::Corrupt(_))
        ));
    }
}
