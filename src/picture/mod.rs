//! Pictures of a question's answer: SVG, a self-contained HTML page, or Graphviz DOT.
//!
//! The shape of the rows chooses the picture: rows with `from`, `to` and `meeting` columns
//! (`path`) a chain drawn left to right; other rows with a `meeting` column a timeline; rows
//! with an actor's `handle` column (`who met`, `who was with`) a network around the actor
//! asked about; anything else a plain table. Rows carry handles only, so the records behind
//! them (participants, sides, statuses, summaries, quotes) come from a [`Snapshot`].

mod describe;
mod dot;
mod html;
mod layout;
mod network;
mod path;
mod read;
mod svg;
mod table;
mod timeline;

use crate::exchange::Snapshot;
use crate::rows::Rows;
pub(crate) use read::records;

/// At most this many lanes are drawn on a timeline (the last of them "others", folding the
/// lanes with the fewest meetings); past them it is taller than a screen.
pub const MOST_LANES: usize = 12;

/// At most this many actors, and ties among them, are drawn in a network (those with the
/// most shared meetings): past them the picture is a tangle.
pub const MOST_ACTORS: usize = 40;
/// See [`MOST_ACTORS`].
pub const MOST_TIES: usize = 120;

/// What a timeline's lanes stand for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lanes {
    /// One lane per participant.
    #[default]
    Actors,
    /// One lane per side (participants without a side share one lane).
    Sides,
}

/// How pictures are drawn.
#[derive(Clone, Debug, Default)]
pub struct PictureOptions {
    /// The lanes of a timeline.
    pub lanes: Lanes,
    /// The handle of the actor a network is centred on; found from the rows when `None`.
    pub centre: Option<String>,
}

/// What a picture is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureFormat {
    /// One SVG document.
    Svg,
    /// One self-contained HTML page.
    Html,
    /// A Graphviz DOT graph.
    Dot,
}

/// The picture of `rows` in `format`.
pub fn draw(
    rows: &Rows,
    snapshot: &Snapshot,
    format: PictureFormat,
    options: &PictureOptions,
) -> String {
    match format {
        PictureFormat::Svg => svg(rows, snapshot, options),
        PictureFormat::Html => html(rows, snapshot, options),
        PictureFormat::Dot => dot(rows, snapshot, options),
    }
}

/// Which picture rows give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureKind {
    /// Meetings along time.
    Timeline,
    /// Who met whom among actors.
    Network,
    /// A chain of meetings.
    Path,
    /// Anything else.
    Table,
}

/// The picture that `rows` give.
pub fn kind_of(rows: &Rows) -> PictureKind {
    let has = |name: &str| rows.column(name).is_some();
    if has("from") && has("to") && has("meeting") {
        PictureKind::Path
    } else if has("meeting") {
        PictureKind::Timeline
    } else if has("handle") {
        PictureKind::Network
    } else {
        PictureKind::Table
    }
}

/// The rows as one SVG document.
pub fn svg(rows: &Rows, snapshot: &Snapshot, options: &PictureOptions) -> String {
    match kind_of(rows) {
        PictureKind::Timeline => timeline::svg(rows, snapshot, options.lanes),
        PictureKind::Network => network::svg(network::Network::of(rows, snapshot, options)),
        PictureKind::Path => path::svg(rows, snapshot),
        PictureKind::Table => table::svg(rows),
    }
}

/// The rows as one self-contained HTML page: the SVG inline (a table for rows that give no
/// picture), nothing fetched; readable without script, zoomable and with a details panel
/// where script runs.
pub fn html(rows: &Rows, snapshot: &Snapshot, options: &PictureOptions) -> String {
    let body = match kind_of(rows) {
        PictureKind::Table => table::html(rows),
        _ => svg(rows, snapshot, options),
    };
    html::page(kind_of(rows), rows.note.as_deref(), &body)
}

/// The network of actor rows as a Graphviz DOT graph; other rows give the actors and
/// meetings they select, linked the same way.
pub fn dot(rows: &Rows, snapshot: &Snapshot, options: &PictureOptions) -> String {
    dot::write(&network::Network::of(rows, snapshot, options))
}
