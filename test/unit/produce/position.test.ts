import { describe, expect, it } from 'vitest';
import { PositionTracker, type ResumePoint } from '../../../src/produce/position.js';

const at = (page: number) => ({ kind: 'page', page }) as const;

describe('PositionTracker', () => {
  it('moves only over a settled prefix, whatever order records settle in, and reports each completed page', () => {
    const done: ResumePoint[] = [];
    const tracker = new PositionTracker({ skip: 0 });
    tracker.onPageDone = (point) => done.push(point);
    const first = tracker.admit(undefined, at(2), 3);
    const second = tracker.admit(at(2), at(3), 2);
    tracker.settle(first, 2);
    tracker.settle(second, 0);
    expect(tracker.point()).toEqual({ skip: 0 });
    tracker.settle(first, 0);
    expect(tracker.point()).toEqual({ skip: 1 });
    expect(done).toEqual([]);
    tracker.settle(first, 1);
    // The first page is done; the second has its first record settled.
    expect(done).toEqual([{ from: at(2), skip: 0 }]);
    expect(tracker.point()).toEqual({ from: at(2), skip: 1 });
    tracker.settle(second, 1);
    expect(done).toEqual([{ from: at(2), skip: 0 }, { from: at(3), skip: 0 }]);
    expect(tracker.point()).toEqual({ from: at(3), skip: 0 });
  });

  it('counts records skipped on resume, and passes over an empty page at once', () => {
    const tracker = new PositionTracker({ from: at(4), skip: 2 });
    expect(tracker.point()).toEqual({ from: at(4), skip: 2 });
    const page = tracker.admit(at(4), at(5), 3, 2);
    tracker.settle(page, 0);
    expect(tracker.point()).toEqual({ from: at(4), skip: 3 });
    tracker.settle(page, 2);
    tracker.settle(page, 1);
    tracker.admit(at(5), at(6), 0);
    expect(tracker.point()).toEqual({ from: at(6), skip: 0 });
  });
});
