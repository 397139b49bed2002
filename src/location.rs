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

    /// A caret line that points under the column, keeping the excerpt's tabs so it lines up,
    /// and as many spaces as each character takes on a terminal (two for a wide character,
    /// none for a combining accent).
    pub fn caret(&self) -> String {
        let head: String = self
            .excerpt
            .chars()
            .take(self.column.saturating_sub(1) as usize)
            .collect();
        caret_under(&head)
    }

    /// The excerpt as shown, and its caret line: the whole line when it fits in
    /// [`MAX_SHOWN_COLUMNS`], else the part around the spot with `…` where it is cut.
    pub fn shown(&self) -> (String, String) {
        let spot = self
            .excerpt
            .char_indices()
            .nth(self.column.saturating_sub(1) as usize)
            .map_or(self.excerpt.len(), |(at, _)| at);
        let (head, tail) = self.excerpt.split_at(spot);
        let (head_width, tail_width) = (width(head), width(tail));
        if head_width + tail_width <= MAX_SHOWN_COLUMNS {
            return (self.excerpt.clone(), caret_under(head));
        }
        // What follows the spot says what is wrong there: keep a good part of it.
        let tail_room = tail_width.min(MAX_SHOWN_COLUMNS * 2 / 5);
        let head_room = head_width.min(MAX_SHOWN_COLUMNS - tail_room);
        let tail_room = tail_width.min(MAX_SHOWN_COLUMNS - head_room);
        let head = if head_width > head_room {
            let mut kept = 0;
            let start = head
                .char_indices()
                .rev()
                .take_while(|(_, c)| {
                    kept += char_width(*c);
                    kept < head_room
                })
                .last()
                .map_or(head.len(), |(at, _)| at);
            format!("…{}", &head[start..])
        } else {
            head.to_string()
        };
        let tail = if tail_width > tail_room {
            let mut kept = 0;
            let end = tail
                .char_indices()
                .find(|(_, c)| {
                    kept += char_width(*c);
                    kept >= tail_room
                })
                .map_or(tail.len(), |(at, _)| at);
            format!("{}…", &tail[..end])
        } else {
            tail.to_string()
        };
        let caret = caret_under(&head);
        (head + &tail, caret)
    }

    /// `source:line:col: message`, then the line (or the part of it around the spot) and the
    /// caret.
    pub fn render(&self, f: &mut fmt::Formatter<'_>, message: &dyn fmt::Display) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}:")?;
        }
        let (excerpt, caret) = self.shown();
        write!(
            f,
            "{}:{}: {message}\n  {excerpt}\n  {caret}",
            self.line, self.column,
        )
    }
}

/// The widest a shown excerpt gets, in terminal columns (tabs counted as 8), so that an error
/// in a megabyte-long line prints a line, not a megabyte.
pub const MAX_SHOWN_COLUMNS: usize = 100;

/// The columns `c` takes on a terminal: a tab counts as a full tab stop, a control character
/// (shown by some terminals as `^X`) as one.
fn char_width(c: char) -> usize {
    if c == '\t' {
        8
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
    }
}

fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Spaces under each character of `head` (tabs kept, so the caret lines up at any tab width),
/// then the caret.
fn caret_under(head: &str) -> String {
    let mut caret = String::with_capacity(head.len() + 1);
    for c in head.chars() {
        match c {
            '\t' => caret.push('\t'),
            c => caret.extend(std::iter::repeat_n(' ', char_width(c))),
        }
    }
    caret.push('^');
    caret
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
