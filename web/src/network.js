// The actor network of one period: nodes are actors sized by event count,
// directed edges are dyads, wide by event count and coloured from conflict
// (red) through grey to cooperation (green) by their Goldstein weights.
import cytoscape from 'cytoscape';

/** Balance in [-1, 1] from the cooperative and conflictual weights. */
export function balance(d) {
  const c = Math.abs(d.coop || 0);
  const f = Math.abs(d.confl || 0);
  return c + f > 0 ? (c - f) / (c + f) : 0;
}

function mix(a, b, t) {
  const h = (s, i) => parseInt(s.slice(i, i + 2), 16);
  const c = [1, 3, 5].map((i) => Math.round(h(a, i) + (h(b, i) - h(a, i)) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Colour of a dyad: red for conflict, grey for mixed, green for cooperation. */
export function dyadColor(d) {
  const b = balance(d);
  return b < 0 ? mix('#9a9a9a', '#c0392b', -b) : mix('#9a9a9a', '#1e8449', b);
}

export const edgeId = (s, t) => `${s}\u2192${t}`;

/**
 * Draw the network in `el` (replacing any previous one).
 * @param {HTMLElement} el container
 * @param {{code:string, events:number}[]} actors
 * @param {{source:string, target:string, events:number, coop:number, confl:number}[]} dyads
 * @param {{onEdge(d), onNode(code)}} cb click handlers
 * @returns {cytoscape.Core}
 */
export function drawNetwork(el, actors, dyads, cb) {
  const vol = new Map(actors.map((a) => [a.code, a.events]));
  const edges = dyads.filter((d) => d.source && d.target && d.source !== d.target);
  for (const d of edges) {
    for (const c of [d.source, d.target]) if (!vol.has(c)) vol.set(c, 0);
  }
  // An actor with no edge among the top dyads only clutters the picture.
  const linked = new Set(edges.flatMap((d) => [d.source, d.target]));
  const nodes = [...vol].filter(([c]) => linked.has(c));
  const maxV = Math.max(1, ...nodes.map(([, v]) => v));
  const maxE = Math.max(1, ...edges.map((d) => d.events));
  const elements = [
    ...nodes.map(([code, v]) => ({
      data: { id: code, label: code, size: 16 + 44 * Math.sqrt(v / maxV), events: v },
    })),
    ...edges.map((d) => ({
      data: {
        id: edgeId(d.source, d.target),
        source: d.source,
        target: d.target,
        width: 1 + 7 * Math.sqrt(d.events / maxE),
        color: dyadColor(d),
        dyad: d,
      },
    })),
  ];
  const cy = cytoscape({
    container: el,
    elements,
    boxSelectionEnabled: false,
    autoungrabify: false,
    style: [
      {
        selector: 'node',
        style: {
          width: 'data(size)',
          height: 'data(size)',
          'background-color': '#3d5a80',
          label: 'data(label)',
          'font-size': 10,
          'text-valign': 'center',
          'text-halign': 'center',
          color: '#fff',
          'text-outline-color': '#3d5a80',
          'text-outline-width': 2,
        },
      },
      {
        selector: 'edge',
        style: {
          width: 'data(width)',
          'line-color': 'data(color)',
          'target-arrow-color': 'data(color)',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 0.8,
          'curve-style': 'bezier',
          opacity: 0.85,
        },
      },
      { selector: '.picked', style: { 'overlay-color': '#1a56db', 'overlay-opacity': 0.25, 'overlay-padding': 4, opacity: 1 } },
      { selector: 'node.picked', style: { 'border-width': 3, 'border-color': '#1a56db' } },
    ],
    layout: { name: nodes.length > 1 ? 'cose' : 'grid', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, padding: 12 },
  });
  cy.on('tap', 'edge', (e) => cb.onEdge(e.target.data('dyad')));
  cy.on('tap', 'node', (e) => cb.onNode(e.target.id()));
  return cy;
}

/** Mark the picked dyad or actor (or nothing). */
export function markPicked(cy, dyad, actor) {
  if (!cy) return;
  cy.elements().removeClass('picked');
  if (dyad) cy.getElementById(edgeId(dyad.source, dyad.target)).addClass('picked');
  if (actor) cy.getElementById(actor).addClass('picked');
}
