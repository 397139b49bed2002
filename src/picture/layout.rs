//! Where a network's nodes go, computed by layout-rs (a layered, Graphviz-like layout,
//! deterministic: it draws no random numbers). The actor asked about is the single top
//! layer, every edge from it leads down, so the picture reads from the centre outwards.

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::network::{label_width, Network};

/// Margin around the drawing.
const MARGIN: f64 = 40.0;

/// The centre (x, y) of each node, in node order.
pub(super) fn place(network: &Network) -> Vec<(f64, f64)> {
    if network.nodes.is_empty() {
        return Vec::new();
    }
    let mut graph = VisualGraph::new(Orientation::TopToBottom);
    let handles: Vec<_> = network
        .nodes
        .iter()
        .map(|n| {
            let size = Point::new(label_width(&n.name) + 20.0, 32.0);
            let shape = ShapeKind::new_box(&n.name);
            graph.add_node(Element::create(
                shape,
                StyleAttr::simple(),
                Orientation::LeftToRight,
                size,
            ))
        })
        .collect();
    for edge in &network.edges {
        // Node 0 is the centre when there is one; edges lead from the lower index down.
        graph.add_edge(Arrow::simple(""), handles[edge.a], handles[edge.b]);
    }
    // The layout's own drawing is not used: the picture is drawn from the positions, with
    // our classes, titles and escaping.
    let mut discard = SVGWriter::new();
    graph.do_it(false, false, false, &mut discard);
    let centres: Vec<(f64, f64)> = handles
        .iter()
        .map(|&h| {
            let (top_left, bottom_right) = graph.pos(h).bbox(false);
            (
                (top_left.x + bottom_right.x) / 2.0,
                (top_left.y + bottom_right.y) / 2.0,
            )
        })
        .collect();
    let min_x = centres.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let min_y = centres.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
    let widest = network
        .nodes
        .iter()
        .map(|n| label_width(&n.name))
        .fold(0.0, f64::max);
    centres
        .into_iter()
        .map(|(x, y)| (x - min_x + MARGIN + widest / 2.0, y - min_y + MARGIN))
        .collect()
}
