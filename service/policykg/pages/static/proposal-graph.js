// The argument around a proposal, drawn with Cytoscape.js: green edges support, red edges attack, grey edges
// link a statement to the actors who hold it. Every node links to its page.
(function () {
  const data = JSON.parse(document.getElementById("argument-graph").textContent);
  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements: data,
    wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: { label: "data(short)", "font-size": 9, "text-wrap": "wrap", "text-max-width": 140,
          "text-valign": "center", "text-halign": "center", width: 150, height: 56, shape: "round-rectangle",
          "background-color": "#e8eef7", "border-width": 1, "border-color": "#7a8ca6" } },
      { selector: "node.proposal", style: { "background-color": "#fff3c4", "border-color": "#b38f00", "border-width": 3 } },
      { selector: "node.objection", style: { "background-color": "#fde2e1", "border-color": "#c0392b" } },
      { selector: "node.rebuttal", style: { "background-color": "#e3f4e8", "border-color": "#27ae60" } },
      { selector: "node.actor", style: { shape: "ellipse", width: 110, height: 40, "background-color": "#f2f2f2",
          "border-color": "#999" } },
      { selector: "edge", style: { width: 2, "curve-style": "bezier", "target-arrow-shape": "triangle",
          label: "data(label)", "font-size": 8, "text-rotation": "autorotate" } },
      { selector: "edge.support", style: { "line-color": "#27ae60", "target-arrow-color": "#27ae60" } },
      { selector: "edge.attack", style: { "line-color": "#c0392b", "target-arrow-color": "#c0392b" } },
      { selector: "edge.holds", style: { "line-color": "#bbb", "target-arrow-color": "#bbb", "line-style": "dashed",
          width: 1 } },
    ],
    // Rings: the proposal at the centre, reasons and objections around it, answers and actors further out.
    layout: { name: "concentric", minNodeSpacing: 18, padding: 12, avoidOverlap: true,
              concentric: (n) => ({ proposal: 4, claim: 3, objection: 3, rebuttal: 2, actor: 1 })[n.classes()[0]] || 1,
              levelWidth: () => 1 },
  });
  cy.on("tap", "node", (event) => { window.location.href = event.target.data("href"); });
  window.policykgGraph = cy;
})();
