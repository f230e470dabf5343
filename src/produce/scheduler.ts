import { backoffMs, type Clock } from '../core/clock.js';
import { intervalGenerator, type IntervalSpec } from './pacing.js';
import { deriveSeed, seededRandom } from '../source/index.js';

/**
 * `together`: one schedule; every tick takes a batch of source records and sends it to all topics.
 * `independent`: one schedule per topic; each topic walks the same record sequence at its own pace.
 */
export type PacingMode = 'together' | 'independent';

/** A unit of pacing: the topics it feeds and the gaps between its ticks. */
export interface Lane {
  readonly name: string;
  readonly topics: readonly string[];
  /** The pause after a tick, drawn from the lane's own seeded stream (0 without an interval). */
  nextGapMs(): number;
}

export const TOGETHER_LANE = 'all-topics';

/** One lane for all topics, or one per topic; each lane's gap stream is derived from `seed` and its name. */
export function planLanes(topics: readonly string[], mode: PacingMode, interval: IntervalSpec | undefined, seed: string): Lane[] {
  if (topics.length === 0) throw new Error('no topics to produce to');
  const lane = (name: string, laneTopics: readonly string[]): Lane => ({
    name,
    topics: laneTopics,
    nextGapMs: interval ? intervalGenerator(interval, seededRandom(deriveSeed(seed, 'lane', name))) : () => 0,
  });
  return mode === 'together' ? [lane(TOGETHER_LANE, topics)] : topics.map((topic) => lane(topic, [topic]));
}

/** What a tick tells the loop: keep going, the lane has nothing left to do, or the tick failed and should be retried later. */
export type TickOutcome = 'continue' | 'done' | 'retry';

/** Why a lane stopped. */
export type LaneEnd = 'done' | 'deadline' | 'aborted';

export interface LaneLoopOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Clock time (ms) after which no tick starts. */
  deadline?: number;
  /** Called with each pause that separated two ticks, just before the second tick. */
  onGap?: (gapMs: number) => void;
  /** Least pause after the n-th consecutive failed tick. Default: 100 ms doubling up to 5 s. */
  retryDelayMs?: (consecutiveFailures: number) => number;
}

const defaultRetryDelayMs = (failures: number): number => backoffMs({ initialMs: 100, maxMs: 5000 }, failures);

/**
 * Runs `tick` now, then again after each gap, until it reports done, the deadline passes or the
 * signal aborts. Sleeps go through the injected clock, so tests run on virtual time.
 */
export async function runLane(lane: Lane, tick: () => Promise<TickOutcome>, options: LaneLoopOptions): Promise<LaneEnd> {
  const { clock, signal, deadline, onGap } = options;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  let pause: number | undefined;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return 'aborted';
    if (deadline !== undefined && clock.now() >= deadline) return 'deadline';
    if (pause !== undefined) onGap?.(pause);
    const outcome = await tick();
    if (outcome === 'done') return 'done';
    failures = outcome === 'retry' ? failures + 1 : 0;
    pause = lane.nextGapMs();
    if (failures > 0) pause = Math.max(pause, retryDelayMs(failures));
    if (deadline !== undefined && clock.now() + pause >= deadline) {
      // The next tick would start after the deadline: wait out the remainder, then stop.
      await clock.sleep(Math.max(0, deadline - clock.now()), signal);
      return signal?.aborted ? 'aborted' : 'deadline';
    }
    await clock.sleep(pause, signal);
  }
}
