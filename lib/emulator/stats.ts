import type { MiEmulatorStats } from './types';

// Hostile clients can send endless distinct paths; past this many, they share one counter.
const MAX_PATHS = 1000;
const OTHER_PATHS = '(other)';

/**
 * Request and connection counters of one emulator.
 *
 * @example
 * const stats = new EmulatorStats();
 * stats.countRequest('/oauth2/token');
 * stats.requests['/oauth2/token'] // 1
 */
export class EmulatorStats implements MiEmulatorStats {
  private readonly counts = new Map<string, number>();
  private accepted = 0;

  /** A snapshot of the request counters, by path. */
  get requests(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  get connections(): number {
    return this.accepted;
  }

  countRequest(path: string): void {
    const key = this.counts.has(path) || this.counts.size < MAX_PATHS ? path : OTHER_PATHS;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  countConnection(): void {
    this.accepted += 1;
  }

  reset(): void {
    this.counts.clear();
    this.accepted = 0;
  }
}
