//! A picture as one HTML page that needs nothing else: nothing fetched, readable without
//! script (the SVG inline, tooltips in `<title>` elements). Where script runs, a small one
//! written here adds zoom around the pointer (wheel), panning (drag), a reset button, and a
//! panel with a meeting's details (summary, quotes and their documents) shown on hover and
//! pinned by a click or by the page's address ending in `#` and the meeting's handle.

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
    let script = if kind == PictureKind::Table {
        String::new()
    } else {
        format!("<aside id=\"details\" hidden></aside>\n<script>{SCRIPT}</script>\n")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Entrevue — {heading}</title>\n<style>\
         body{{font-family:sans-serif;margin:1em}}\
         svg{{max-width:100%;height:auto;border:1px solid #ddd}}\
         html[data-interactive] svg{{cursor:grab;touch-action:none}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}\
         #details{{position:fixed;right:1em;top:1em;max-width:28em;background:#fff;\
         border:1px solid #999;padding:0.5em 1em;box-shadow:2px 2px 6px #0003}}\
         #details p:first-child{{font-weight:bold}}\
         </style>\n</head>\n<body>\n<h1>{heading}</h1>\n{note}{body}{script}</body>\n</html>\n"
    )
}

/// The page's script: plain DOM calls, no library. The details panel shows the lines of the
/// `<title>` of a meeting (written by `describe::meeting_lines`), a tie or an actor, each as
/// its own paragraph; the script holds no `<` or `&`, so the page stays well-formed XML.
const SCRIPT: &str = r#"
(function () {
  var svg = document.querySelector("svg");
  var panel = document.getElementById("details");
  if (!svg || !panel) return;
  var home = svg.getAttribute("viewBox");
  var view = home.split(" ").map(Number);
  function show() { svg.setAttribute("viewBox", view.join(" ")); }
  var reset = document.createElement("button");
  reset.textContent = "Reset zoom";
  reset.onclick = function () { view = home.split(" ").map(Number); show(); };
  svg.parentNode.insertBefore(reset, svg);
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var box = svg.getBoundingClientRect();
    var k = e.deltaY > 0 ? 1.25 : 0.8;
    var fx = (e.clientX - box.left) / box.width, fy = (e.clientY - box.top) / box.height;
    view[0] += fx * view[2] * (1 - k); view[1] += fy * view[3] * (1 - k);
    view[2] *= k; view[3] *= k; show();
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (e) {
    drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var box = svg.getBoundingClientRect();
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view[0] -= dx * view[2] / box.width; view[1] -= dy * view[3] / box.height;
    drag.x = e.clientX; drag.y = e.clientY; show();
  });
  window.addEventListener("pointerup", function () { setTimeout(function () { drag = null; }, 0); });
  var pinned = null;
  function details(group) {
    panel.textContent = "";
    if (!group) { panel.hidden = true; return; }
    var title = group.querySelector("title");
    (title ? title.textContent : "").split("\n").forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      panel.appendChild(p);
    });
    panel.setAttribute("data-meeting", group.getAttribute("data-meeting") || "");
    panel.hidden = false;
  }
  function meetingOf(e) { return e.target.closest("g.meeting, g.edge, g.node"); }
  svg.addEventListener("mouseover", function (e) { var g = meetingOf(e); if (g) details(g); });
  svg.addEventListener("mouseout", function (e) { if (meetingOf(e)) details(pinned); });
  svg.addEventListener("click", function (e) {
    if (drag ? drag.moved : false) return;
    pinned = meetingOf(e); details(pinned);
  });
  var wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted) {
    svg.querySelectorAll("g.meeting").forEach(function (g) {
      if (g.getAttribute("data-meeting") === wanted) pinned = g;
    });
    details(pinned);
  }
  document.documentElement.setAttribute("data-interactive", "on");
})();
"#;
