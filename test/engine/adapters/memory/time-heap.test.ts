import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeHeap } from '#engine/adapters/memory/time-heap.js';

describe('TimeHeap', () => {
  it('pops entries by time, first in first out among equal times, past its first capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3000 }), (times) => {
        // Prepare
        const heap = new TimeHeap<number>();
        for (const [index, at] of times.entries()) heap.push(index, at);

        // Act
        const popped: number[] = [];
        for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) popped.push(entry);

        // Assess: the order a stable sort by time gives.
        const expected = times.map((at, index) => ({ at, index })).sort((a, b) => a.at - b.at);
        expect(popped).toEqual(expected.map((e) => e.index));
        expect(heap.size).toBe(0);
        expect(heap.peekTime()).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('shows the earliest entry and its time without removing it', () => {
    // Prepare
    const heap = new TimeHeap<string>();
    heap.push('later', 20);
    heap.push('sooner', 10);

    // Act / Assess
    expect(heap.peekTime()).toBe(10);
    expect(heap.peek()).toBe('sooner');
    expect(heap.size).toBe(2);
  });
});
