//! The text statements came from, to point errors at the spot they concern.

use super::Span;
use crate::error::Error;
use crate::location::Location;

/// A script's text and the name it goes by (a file, `-c`, `<stdin>`), so that an error found
/// after parsing (an unknown name, an invalid record) can still say where it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub name: Option<&'a str>,
}

impl Source<'_> {
    /// `error`, located at the start of `span` unless it already has a location.
    pub(crate) fn at(&self, span: Span, error: Error) -> Error {
        Error::at(Location::of(self.text, span.start, self.name), error)
    }
}
