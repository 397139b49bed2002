//! Where a network's nodes go, computed by fjädra's force simulation (after d3-force): ties
//! pull their actors together, every actor pushes the others away, and no two actors come
//! closer than their labels allow. The actor asked about stays fixed in the middle. The
//! simulation is deterministic — the starting spiral is fixed and its "random" nudges come
//! from a generator with a fixed seed — so the same rows give the same bytes.

use fjadra::{Collide, Link, ManyBody, Node, PositionX, PositionY, SimulationBuilder};

use super::network::{half_width, Network};

/// Margin around the drawing.
const MARGIN: f64 = 40.0;
/// Half the height of a node as drawn.
const HALF_HEIGHT: f64 = 16.0;
/// The length a tie pulls towards, a little more than two labels side by side.
const TIE_LENGTH: f64 = 150.0;
/// How hard every actor pushes every other away (negative: apart).
const CHARGE: f64 = -600.0;
/// How hard actors tied to nothing drawn are held near the middle.
const GRAVITY: f64 = 0.05;
/// Extra room kept between two nodes. Each node collides as a circle around its drawn
/// ellipse: two such circles apart keep the labels apart, a label being narrower and lower
/// than its ellipse.
const GAP: f64 = 6.0;
/// Steps that only push overlapping nodes apart, after the simulation has cooled.
const SETTLE_STEPS: usize = 60;

/// The centre (x, y) of each node, in node order.
pub(super) fn place(network: &Network) -> Vec<(f64, f64)> {
    let reaches: Vec<f64> = network
        .nodes
        .iter()
        .map(|n| half_width(&n.name) + GAP)
        .collect();
    let nodes = network.nodes.iter().map(|n| {
        if n.centre {
            Node::default().fixed_position(0.0, 0.0)
        } else {
            Node::default()
        }
    });
    let ties = network.edges.iter().map(|e| (e.a, e.b));
    let collide = Collide::new()
        .radius(move |i| reaches.get(i).copied().unwrap_or(0.0))
        .iterations(3);
    let mut simulation = SimulationBuilder::default()
        .build(nodes)
        .add_force("ties", Link::new(ties).distance(TIE_LENGTH))
        .add_force("charge", ManyBody::new().strength(CHARGE))
        .add_force("x", PositionX::new().strength(GRAVITY))
        .add_force("y", PositionY::new().strength(GRAVITY))
        .add_force("collide", collide);
    simulation.step();
    // A cooled simulation may leave labels touching where forces balance; a few steps of
    // collision alone part them.
    for force in ["ties", "charge", "x", "y"] {
        simulation.remove_force(force);
    }
    simulation.tick(SETTLE_STEPS);
    let centres: Vec<[f64; 2]> = simulation.positions().collect();
    let left = centres
        .iter()
        .zip(&network.nodes)
        .map(|(c, n)| c[0] - half_width(&n.name))
        .fold(f64::INFINITY, f64::min);
    let top = centres
        .iter()
        .map(|c| c[1] - HALF_HEIGHT)
        .fold(f64::INFINITY, f64::min);
    centres
        .into_iter()
        .map(|[x, y]| (x - left + MARGIN, y - top + MARGIN))
        .collect()
}
