import { createGate } from '../../clients/gate';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the request gate', () => {
  it('lets at most its limit run at once, the others in arrival order, and frees a slot on failure', async () => {
    const gate = createGate(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const work = (i: number, fail = false) =>
      gate(async () => {
        running += 1;
        most = Math.max(most, running);
        started.push(i);
        await new Promise<void>((r) => releases.push(r));
        running -= 1;
        if (fail) throw new Error(`work ${i} failed`);
        return i;
      });
    const all = [work(0, true), work(1), work(2), work(3)].map((p) => p.catch((e: Error) => e.message));
    await tick();
    expect(started).toEqual([0, 1]);
    releases.shift()?.(); // 0 fails: its slot goes to 2
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (releases.length > 0 || started.length < 4) {
      releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(all)).toEqual(['work 0 failed', 1, 2, 3]);
    expect(most).toBe(2);
    // Every slot is free again: two more start at once.
    const after = [work(4), work(5)];
    await tick();
    expect(started.slice(4)).toEqual([4, 5]);
    releases.forEach((r) => r());
    await Promise.all(after);
  });
});
