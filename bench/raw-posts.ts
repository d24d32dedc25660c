// The machine's raw limit for the overhead comparison: the same SCIM POSTs the worker sends, built
// the same way (Okta pull, mapping, buildResource), sent by the worker's own SCIM client (built by
// createWfmClients, with its gate and metrics) at the same concurrency, in a plain loop: no queue,
// no plan, no Redis. Configured like the product, from the environment. Prints
// {"writes":n,"failed":n,"ms":n} once done.
import { createOktaSource } from '../clients/okta';
import { loadConfig } from '../config/load-config';
import { mapOktaUser } from '../mappers/okta-to-wfm';
import { buildResource } from '../mappers/scim-merge';
import { mapPool } from '../sync/pool';
import type { ScimResource } from '../sync/types';
import { createWfmClients } from '../worker/main';
import { createMetrics } from '../worker/metrics';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const pull = await createOktaSource(config.okta).pullInScope();
  const resources: ScimResource[] = [];
  for (const user of pull.users) {
    const mapped = mapOktaUser(user, { mapping: config.mapping, supervisorGroups: config.okta.supervisorGroups });
    if (mapped.ok) resources.push(buildResource(mapped.user, config.mapping));
  }
  const { scim } = createWfmClients(config, createMetrics());
  let failed = 0;
  const started = process.hrtime.bigint();
  await mapPool(resources, config.wfm.concurrency, async (resource) => {
    try {
      await scim.create(resource);
    } catch {
      failed += 1;
    }
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${JSON.stringify({ writes: resources.length - failed, failed, ms })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`raw-posts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
