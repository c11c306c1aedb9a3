import { describe, expect, it } from 'vitest';
import { Gate } from './gate.js';

const overloaded = () => new Error('overloaded');

describe('Gate', () => {
  it('takes a free slot at once, without a promise; a caller past the slots waits', async () => {
    const g = new Gate(2);
    expect(g.acquire(10, overloaded)).toBeUndefined();
    expect(g.acquire(10, overloaded)).toBeUndefined();
    const third = g.acquire(10, overloaded);
    expect(third).toBeInstanceOf(Promise);
    await expect(third).rejects.toThrow('overloaded');
  });

  it('rejects a waiter with the overload error when no slot frees within the wait', async () => {
    const g = new Gate(1);
    g.acquire(10, overloaded);
    await expect(g.acquire(20, overloaded)).rejects.toThrow('overloaded');
    expect(g.queued).toBe(0);
  });

  it('hands a released slot to the longest waiter first', async () => {
    const g = new Gate(1);
    g.acquire(10, overloaded);
    const order: number[] = [];
    const a = g.acquire(1000, overloaded)!.then(() => order.push(1));
    const b = g.acquire(1000, overloaded)!.then(() => order.push(2));
    g.release();
    await a;
    g.release();
    await b;
    expect(order).toEqual([1, 2]);
    g.release();
    expect(g.acquire(10, overloaded)).toBeUndefined(); // the slot came back
  });

  it("rejects a waiter with its signal's reason when the signal aborts, and forgets it", async () => {
    const g = new Gate(1);
    g.acquire(10, overloaded);
    const ctl = new AbortController();
    const waiting = g.acquire(1000, overloaded, ctl.signal)!;
    ctl.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(g.queued).toBe(0);
    g.release();
    expect(g.acquire(10, overloaded)).toBeUndefined();
  });
});
