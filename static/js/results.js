// Results charts, fetched the first time a phone has results to show: most phones answer
// written questions only, and the charts are a fifth of everything a phone would load first.
let charts = null;

export function drawResults(container, results, options) {
  charts = charts || import("./charts.js");
  // Each drawing waits for the same module, so they land in the order they were asked for.
  return charts.then(({ renderResults }) => renderResults(container, results, options));
}
