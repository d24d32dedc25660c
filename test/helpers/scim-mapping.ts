import { buildMapping, type Mapping } from '../../config/mapping';

/** The custom extension of the test mapping below. */
export const CUSTOM_URN = 'urn:example:wfm:1.0:User';

/** A mapping file's content as a Mapping; its problems fail the test. */
export function mappingOf(input: unknown): Mapping {
  const b = buildMapping(input);
  if (!b.mapping) throw new Error(b.problems.join('\n'));
  return b.mapping;
}

/** A mapping that owns attributes in the custom, NICE and core schemas (with the timezone spelling quirk). */
export const EXTENDED_MAPPING: Mapping = mappingOf({
  customSchema: CUSTOM_URN,
  attributes: { 'custom.site': { source: 'profile.city' }, 'nice.team.value': { source: 'profile.team' }, timezone: { source: 'profile.timezone' } },
});
