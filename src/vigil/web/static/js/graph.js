// Cluster network graph (cytoscape.js, vendored). Data: GET <data-src> -> {nodes, edges}.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("graph");
    if (!box || typeof cytoscape === "undefined") { return; }
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("graph: HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        var cy = cytoscape({
          container: box,
          elements: { nodes: data.nodes, edges: data.edges },
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: { "label": "data(label)", "font-size": 8, "text-wrap": "ellipsis", "text-max-width": 80, "width": 14, "height": 14, "background-color": "#9db7d5" } },
            { selector: "node[type = 'post'][band = 'high']", style: { "background-color": "#a4001d" } },
            { selector: "node[type = 'post'][band = 'review']", style: { "background-color": "#d18f00" } },
            { selector: "node[type = 'identifier']", style: { "shape": "diamond", "background-color": "#0b4f8a", "width": 18, "height": 18 } },
            { selector: "node[type = 'image']", style: { "shape": "square", "background-color": "#2f6b2f" } },
            { selector: "edge", style: { "width": 1, "line-color": "#999", "curve-style": "haystack" } },
            { selector: "edge[kind = 'text']", style: { "line-style": "dashed" } }
          ],
          layout: { name: data.nodes.length > 400 ? "grid" : "cose", animate: false }
        });
        cy.on("tap", "node", function (evt) {
          var href = evt.target.data("href");
          if (href) { window.location.href = href; }
        });
        box.setAttribute("data-rendered", String(data.nodes.length));
        window.vigilGraph = cy;
      })
      .catch(function (err) { box.textContent = "The graph could not be drawn (" + err.message + "); the tables below list every member and link."; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
