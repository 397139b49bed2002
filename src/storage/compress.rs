//! Compression of the large values — meeting pages and posting chunks — with zstd.
//!
//! sled stores each byte it is given about 1.9 times (its log keeps superseded copies of a
//! node until a segment is half empty), so every byte saved here is saved almost twice on
//! disk. On the benchmark's `default` data, zstd at level 1 packs the meeting pages to under
//! half, the place and date lists to a little under half, and the actor lists (high-entropy
//! varints, most lists a few hundred bytes) by a little over a quarter; it decodes at over a
//! gigabyte a second. Higher levels gain almost nothing here (BENCHMARKS.md, "where the size
//! and the load's time go").
//!
//! ```text
//! packed = raw length: varint | zstd frame of the raw bytes
//! ```
//!
//! The compression and decompression contexts are kept per thread: making one costs more than
//! compressing a small value.

use std::cell::RefCell;

use zstd::bulk::{Compressor, Decompressor};

use super::values::{get_varint, put_varint};
use crate::error::{Error, Result};

/// zstd's level: its fastest, since the bulk load packs every page and list it writes.
const LEVEL: i32 = 1;

/// The largest raw value a packed one may claim, far above any page or chunk: a damaged length
/// must not make the reader allocate gigabytes.
const MAX_RAW: u64 = 1 << 24;

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

fn codec_error(what: &str, e: std::io::Error) -> Error {
    Error::Internal(format!("zstd could not {what} a value: {e}"))
}

/// Appends `raw` packed to `out`, unless packing would not make it smaller: then nothing is
/// appended and the answer is false.
pub(crate) fn pack_into(out: &mut Vec<u8>, raw: &[u8]) -> Result<bool> {
    let frame = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = match cell.as_mut() {
            Some(c) => c,
            None => cell.insert(Compressor::new(LEVEL).map_err(|e| codec_error("set up", e))?),
        };
        compressor
            .compress(raw)
            .map_err(|e| codec_error("compress", e))
    })?;
    let mut header = Vec::with_capacity(10);
    put_varint(&mut header, raw.len() as u64);
    if header.len() + frame.len() >= raw.len() {
        return Ok(false);
    }
    out.extend_from_slice(&header);
    out.extend_from_slice(&frame);
    Ok(true)
}

/// Unpacks what [`pack_into`] wrote (all of `packed`) into `into`, replacing its contents.
pub(crate) fn unpack(packed: &[u8], into: &mut Vec<u8>) -> Result<()> {
    let mut at = 0;
    let len = get_varint(packed, &mut at)?;
    if len > MAX_RAW {
        return Err(Error::Corrupt(format!(
            "a compressed value claims {len} bytes, more than any value holds"
        )));
    }
    let frame = packed.get(at..).unwrap_or_default();
    into.clear();
    into.reserve(len as usize);
    let written = DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let decompressor = match cell.as_mut() {
            Some(d) => d,
            None => cell.insert(Decompressor::new().map_err(|e| codec_error("set up", e))?),
        };
        decompressor
            .decompress_to_buffer(frame, into)
            .map_err(|_| Error::Corrupt("a compressed value does not decompress".into()))
    })?;
    if written as u64 != len {
        return Err(Error::Corrupt(format!(
            "a compressed value holds {written} bytes, not the {len} it claims"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn packs_round_trip(raw in proptest::collection::vec(0u8..4, 0..3000)) {
            let mut packed = Vec::new();
            let mut back = vec![9];
            if pack_into(&mut packed, &raw).unwrap() {
                prop_assert!(packed.len() < raw.len());
                unpack(&packed, &mut back).unwrap();
                prop_assert_eq!(back, raw);
            } else {
                prop_assert!(packed.is_empty());
            }
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = unpack(&bytes, &mut Vec::new());
        }
    }

    #[test]
    fn a_damaged_length_is_corrupt() {
        let raw = vec![7u8; 1000];
        let mut packed = Vec::new();
        assert!(pack_into(&mut packed, &raw).unwrap());
        packed[0] ^= 1;
        assert!(matches!(
            unpack(&packed, &mut Vec::new()),
            Err(Error::Corrupt(_))
        ));
        assert!(matches!(
            unpack(&[0xff, 0xff, 0xff, 0xff, 0x7f], &mut Vec::new()),
            Err(Error::Corrupt(_))
        ));
    }
}
