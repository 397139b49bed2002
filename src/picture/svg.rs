//! What every picture shares: escaping, colours, numbers written the same way every time.

use std::fmt::Write;

/// Text made safe inside an SVG or HTML element or a quoted attribute: names and quotes
/// hold `<`, `&` and quotation marks.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0, even escaped.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal, so that the same picture is the same bytes.
pub(super) fn num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// Colours told apart easily, for affiliations and sides (Okabe–Ito, without black).
const PALETTE: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
];

/// The colour of the `index`-th group; the grey of no group for `None`.
pub(super) fn colour(index: Option<usize>) -> &'static str {
    match index {
        Some(i) => PALETTE[i % PALETTE.len()],
        None => "#999999",
    }
}

/// The opening of an SVG document of this size, with the shared style.
pub(super) fn open(out: &mut String, class: &str, width: f64, height: f64) {
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{w}\" \
         height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">",
        w = num(width),
        h = num(height),
    );
    out.push_str(STYLE);
}

/// How statuses and certainties look, the same in every picture: what did not happen is
/// grey and struck, what may happen is hollow or dashed.
const STYLE: &str = "<style>
.mark{stroke:#333;stroke-width:1}
.status-occurred .mark{fill:#0072b2}
.status-planned .mark{fill:#ffffff;stroke:#0072b2;stroke-width:2}
.status-possible .mark{fill:#ffffff;stroke:#0072b2;stroke-width:1.5;stroke-dasharray:4 3}
.status-ruled_out .mark,.status-denied .mark,.status-cancelled .mark{fill:#dddddd;stroke:#999999}
.status-ruled_out .strike,.status-denied .strike,.status-cancelled .strike{stroke:#cc3311;stroke-width:1.5}
.uncertain .mark{fill-opacity:0.25;stroke-dasharray:2 2}
.approximate .mark{stroke-dasharray:3 2}
.date{fill:#333;font-size:10px}
.lane-label{font-weight:bold}
.axis{stroke:#bbbbbb}
.edge.met{stroke:#555555}
.edge.together{stroke:#009e73;stroke-dasharray:6 4}
.legend text{font-size:11px}
</style>
";

/// A `<title>` element (a tooltip on hover) holding these lines. The line breaks are written
/// as character references, so that each drawn element stays on one line of the file.
pub(super) fn title(lines: &[String]) -> String {
    let text: Vec<String> = lines
        .iter()
        .map(|l| escape(l).replace('\n', "&#10;"))
        .collect();
    format!("<title>{}</title>", text.join("&#10;"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape("<b>Tom & \"Jerry\"'s</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&#39;s&lt;/b&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "a\u{fffd}b");
    }

    #[test]
    fn numbers_are_written_alike() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(2.25), "2.3");
        assert_eq!(num(-0.5), "-0.5");
    }
}
