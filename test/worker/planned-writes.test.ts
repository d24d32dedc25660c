import { createPlannedWrites } from '../../jobs/planned-writes';
import { createAction as create } from '../helpers/write-action';

describe('the writes a process planned', () => {
  it('gives each write once, to the run that kept it, and lets a run go', () => {
    const planned = createPlannedWrites();
    const [a, b] = [create('00uA'), create('00uB')];
    planned.keep('run-1', [a, b]);
    expect(planned.take('run-2', '00uA')).toBeUndefined();
    expect(planned.take('run-1', '00uA')).toBe(a);
    expect(planned.take('run-1', '00uA')).toBeUndefined();
    planned.forget('run-1');
    expect(planned.take('run-1', '00uB')).toBeUndefined();
  });
});
