//! What the shell prints when something panics.
//!
//! sled panics on some damaged files instead of returning an error; the library catches those
//! panics and reports the damage in its own words, so the default hook's text ("panicked at
//! …/sled-0.34.7/src/serialization.rs") would only repeat it in sled's. Any other panic is a
//! bug of ours, and says so.

use std::panic::PanicHookInfo;

/// Installs the hook; call once, first thing.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        if from_storage_engine(info) {
            return;
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        crate::errln!("internal error: {message}{at}; this is a bug in Entrevue, please report it");
    }));
}

fn from_storage_engine(info: &PanicHookInfo<'_>) -> bool {
    info.location()
        .is_some_and(|l| l.file().contains("/sled-") || l.file().contains("\\sled-"))
}
