//! The network as Graphviz DOT, for those who lay it out with Graphviz itself.

use std::fmt::Write;

use super::network::Network;
use super::svg::colour;

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An undirected graph: nodes named by handle, labelled and coloured by affiliation; edges
/// solid for "met", dashed for "together", as wide as their meetings are many.
pub(super) fn write(network: &Network) -> String {
    let mut out =
        String::from("graph entrevue {\n  node [style=filled, fontname=\"sans-serif\"];\n");
    for node in &network.nodes {
        let _ = writeln!(
            out,
            "  {} [label={}, fillcolor={}{}];",
            quoted(&node.handle),
            quoted(&node.name),
            quoted(colour(node.group.as_ref().map(|g| g.1))),
            if node.centre { ", penwidth=3" } else { "" },
        );
    }
    for edge in &network.edges {
        let _ = writeln!(
            out,
            "  {} -- {} [style={}, penwidth={}, label={}];",
            quoted(&network.nodes[edge.a].handle),
            quoted(&network.nodes[edge.b].handle),
            if edge.together { "dashed" } else { "solid" },
            1 + edge.meetings.len().min(6),
            quoted(&edge.meetings.len().to_string()),
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn dot_strings_are_escaped() {
        assert_eq!(quoted("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
