//! A picture as one HTML page that needs nothing else: no script, no fetch.

use super::svg::escape;
use super::PictureKind;

/// The page holding `body` (an inline SVG or a table), with the answer's note.
pub(super) fn page(kind: PictureKind, note: Option<&str>, body: &str) -> String {
    let heading = match kind {
        PictureKind::Timeline => "Timeline",
        PictureKind::Network => "Who met whom",
        PictureKind::Path => "Chain of meetings",
        PictureKind::Table => "Answer",
    };
    let note = note.map_or_else(String::new, |n| {
        format!("<p class=\"note\">{}</p>\n", escape(n))
    });
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Entrevue — {heading}</title>\n<style>\
         body{{font-family:sans-serif;margin:1em}}\
         svg{{max-width:100%;height:auto;border:1px solid #ddd}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}\
         </style>\n</head>\n<body>\n<h1>{heading}</h1>\n{note}{body}</body>\n</html>\n"
    )
}
