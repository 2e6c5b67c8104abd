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

module.exports = { spread, inRtt, medians };
