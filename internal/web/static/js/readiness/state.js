// The readiness screen's shared state and the data the server wrote into
// the page. Every other module reads and changes `state`; nothing else on
// the screen is shared.
export const S = window.Stockpile;

// boot is the page's JSON (readinessClient in internal/web/readiness.go):
// the city, districts, items and depots named in both languages, the pair
// and hazard of the standing scenarios, the settings the forms start from
// and what the user may do.
export const boot = JSON.parse(document.getElementById('readiness-data').textContent);

export const $ = (id) => document.getElementById(id);

export const state = {
  pair: boot.pair,
  hazard: boot.hazard,
  overview: null, // GET /api/readiness
  custom: null, // the assessment of the user's own scenario
  selected: '', // code of the scenario shown in detail
  measure: 'coverage', // of the district map and chart
  item: '', // the item the district map and chart show; '' for the mean over items
  district: '', // the district whose figures are shown
};

// scenarioList is the standing scenarios and the user's own, if assessed.
export function scenarioList() {
  const list = state.overview ? state.overview.scenarios.slice() : [];
  if (state.custom) list.push(state.custom);
  return list;
}
