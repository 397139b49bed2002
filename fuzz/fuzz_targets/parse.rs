//! The parser never panics, and every error points inside the text, at a line of it.
//!
//! Run from the repository root (a nightly toolchain, or `RUSTC_BOOTSTRAP=1` with a stable one):
//!
//! ```sh
//! cargo install cargo-fuzz
//! RUSTC_BOOTSTRAP=1 cargo fuzz run parse -- -dict=fuzz/entrevue.dict -max_total_time=60
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match entrevue::syntax::parse(text) {
        Ok(statements) => {
            for (_, span) in &statements {
                assert!(span.start <= span.end && span.end <= text.len());
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
        Err(err) => {
            let at = &err.location;
            assert!(at.offset <= text.len());
            assert!(text.is_char_boundary(at.offset));
            assert!(at.line >= 1 && at.column >= 1);
            let line = text.split('\n').nth(at.line as usize - 1);
            assert_eq!(
                line.map(|l| l.trim_end_matches('\r')),
                Some(at.excerpt.as_str())
            );
            let _ = err.to_string();
        }
    }
});
