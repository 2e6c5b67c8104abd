/** A request's deadline, watched until it settles. */
interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

// Every request in flight, watched by one timer armed for the earliest deadline: a timer per request made Node create
// and drop a timer list and re-arm libuv's timer for each call. A settled request only leaves the set; the timer, when
// it fires, expires what is due and re-arms for the earliest deadline left.
const pending = new Set<Deadline>();
let timer: NodeJS.Timeout | undefined;
let timerAt = Infinity;

/**
 * Calls `expire` once `ms` milliseconds have passed, unless the returned `settle` is called first. The timer does not
 * keep the process alive: a request in flight holds its socket open, which does.
 *
 * @example
 * const settle = watchDeadline(10_000, () => request.destroy(new Error('timed out')));
 * request.on('close', settle);
 */
export function watchDeadline(ms: number, expire: () => void): () => void {
  const deadline: Deadline = { at: performance.now() + ms, expire };
  pending.add(deadline);
  if (deadline.at < timerAt) arm(deadline.at);
  return () => pending.delete(deadline);
}

/** Deadlines being watched (for tests). */
export function watchedDeadlines(): number {
  return pending.size;
}

function arm(at: number): void {
  clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(check, Math.max(0, at - performance.now()));
  timer.unref();
}

function check(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = performance.now();
  const due: Deadline[] = [];
  let next = Infinity;
  for (const deadline of pending) {
    if (deadline.at <= now) due.push(deadline);
    else if (deadline.at < next) next = deadline.at;
  }
  for (const deadline of due) pending.delete(deadline);
  if (next !== Infinity) arm(next);
  for (const deadline of due) deadline.expire();
}
