import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_NODE_OPTIONS } from '../../bench/sandboxes';

describe('bench: the product runs as the Docker image runs it', () => {
  it('uses the Node options of the Dockerfile', () => {
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
    const line = dockerfile.split('\n').find((l) => l.startsWith('ENV NODE_OPTIONS='));
    expect(line).toBe(`ENV NODE_OPTIONS=${IMAGE_NODE_OPTIONS}`);
  });
});
