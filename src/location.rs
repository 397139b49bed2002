//! Where in a text something is, and a syntax error at such a spot.
//!
//! Below everything else: the parser makes these, errors carry them, the shell prints them.

use std::fmt;

/// A spot in a text: the source name, line and column, and the line itself, to show a caret
/// under the spot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file or other source the text came from, when known.
    pub source: Option<String>,
    /// Line, from 1.
    pub line: u32,
    /// Column, in characters, from 1.
    pub column: u32,
    /// Byte offset in the text.
    pub offset: usize,
    /// The line of text the spot is on.
    pub excerpt: String,
}

impl Location {
    /// The location of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize, source: Option<&str>) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
        Location {
            source: source.map(str::to_string),
            line: text[..offset].matches('\n').count() as u32 + 1,
            column: text[line_start..offset].chars().count() as u32 + 1,
            offset,
            excerpt: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        }
    }

    /// A caret line that points under the column, keeping the excerpt's tabs so it lines up.
    pub fn caret(&self) -> String {
        let mut caret: String = self
            .excerpt
            .chars()
            .take(self.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        caret.push('^');
        caret
    }

    /// `source:line:col: message`, then the line and the caret.
    pub fn render(&self, f: &mut fmt::Formatter<'_>, message: &dyn fmt::Display) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}:")?;
        }
        write!(
            f,
            "{}:{}: {message}\n  {}\n  {}",
            self.line,
            self.column,
            self.excerpt,
            self.caret()
        )
    }
}

/// A syntax error: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl ParseError {
    /// The same error, attributed to a file.
    pub fn in_source(mut self, source: impl Into<String>) -> Self {
        self.location.source = Some(source.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.location.render(f, &self.message)
    }
}

impl std::error::Error for ParseError {}
