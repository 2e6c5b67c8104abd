// Spread of repeated measurements, and how the WAN bench writes them.
'use strict';

/** { min, median, max } of a non-empty list of numbers. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** "6.53 × (6.41–6.80), 261 ms": the median and range in RTT units, then the median in milliseconds. */
function inRtt(values, rttMs) {
  const { min, median, max } = spread(values);
  const x = (ms) => (ms / rttMs).toFixed(2);
  return `${x(median)} × (${x(min)}–${x(max)}), ${median.toFixed(0)} ms`;
}

/** "13.1 / 6.2 ms": the medians of two lists of milliseconds. */
function medians(first, second) {
  return `${spread(first).median.toFixed(1)} / ${spread(second).median.toFixed(1)} ms`;
}

/**
 * Our cost over the floor's, from runs made side by side: `ours` and `floor` are lists of lists, one list of values
 * per round, in the same order. `ratio` is the median of all our values over the median of all the floor's; `min` and
 * `max` are the extremes of the same ratio taken round by round, to show how far one round can stray.
 */
function sideBySide(ours, floor) {
  const perRound = spread(ours.map((values, round) => spread(values).median / spread(floor[round]).median));
  const ratio = spread(ours.flat()).median / spread(floor.flat()).median;
  return { median: ratio, min: perRound.min, max: perRound.max };
}

/** "1.03 (0.97–1.08)": a median (or ratio) and its range, to two decimals. */
const ranged = ({ min, median, max }) => `${median.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)})`;

module.exports = { spread, inRtt, medians, sideBySide, ranged };
