import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/** Okta's Management API spec, shared beside the repository (../shared/okta/management.yaml). */
export const SPEC_PATH = resolve(__dirname, '../../../../shared/okta/management.yaml');
const REPO_ROOT = resolve(__dirname, '../../..');

/** The GET operations whose 200 responses the tests validate, and the component schemas they use. */
export const SPEC_PATHS = [
  '/api/v1/users', '/api/v1/users/{userId}', '/api/v1/users/{userId}/groups',
  '/api/v1/groups', '/api/v1/groups/{groupId}', '/api/v1/groups/{groupId}/users',
  '/api/v1/apps/{appId}/users', '/api/v1/apps/{appId}/users/{userId}', '/api/v1/apps/{appId}/groups',
  '/api/v1/logs',
] as const;
export const SPEC_COMPONENTS = ['User', 'Group', 'AppUser', 'LogEvent', 'ModelError', 'ApplicationGroupAssignment'] as const;

/*
 * swagger-parser 13 depends on an ES-module-only ref parser that jest (CommonJS, Node 20) cannot
 * load, so a plain node process parses, strips every example/examples key, dereferences, and
 * prints just the schemas we need (each of them is acyclic, so JSON carries them).
 */
const EXTRACT = `
const SwaggerParser = require('@apidevtools/swagger-parser');
const [specPath, wantedJson] = process.argv.slice(1);
const wanted = JSON.parse(wantedJson);
const strip = (n) => Array.isArray(n) ? n.map(strip) : n && typeof n === 'object'
  ? Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'example' && k !== 'examples').map(([k, v]) => [k, strip(v)]))
  : n;
(async () => {
  const parsed = await SwaggerParser.parse(specPath);
  const spec = await SwaggerParser.dereference(strip(parsed));
  const paths = {};
  for (const p of wanted.paths) paths[p] = spec.paths[p].get.responses['200'].content['application/json'].schema;
  const components = {};
  for (const c of wanted.components) components[c] = spec.components.schemas[c];
  process.stdout.write(JSON.stringify({ paths, components }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

type JsonObject = Record<string, unknown>;
type SpecSchemas = { paths: Record<string, unknown>; components: Record<string, unknown> };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

let specPromise: Promise<SpecSchemas> | undefined;

/** Parsed, stripped and dereferenced once per test file (module), then reused. */
export function loadSpec(): Promise<SpecSchemas> {
  specPromise ??= (async () => {
    if (!existsSync(SPEC_PATH)) throw new Error(`Okta spec not found at ${SPEC_PATH}`);
    const wanted = JSON.stringify({ paths: SPEC_PATHS, components: SPEC_COMPONENTS });
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', EXTRACT, SPEC_PATH, wanted], {
      cwd: REPO_ROOT,
      maxBuffer: 256 * 1024 * 1024,
    });
    const parsed: unknown = JSON.parse(stdout);
    if (!isObject(parsed) || !isObject(parsed.paths) || !isObject(parsed.components)) throw new Error('unexpected spec extract');
    return { paths: parsed.paths, components: parsed.components };
  })();
  return specPromise;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function compile(key: string, schema: unknown): ValidateFunction {
  const cached = compiled.get(key);
  if (cached) return cached;
  if (!isObject(schema)) throw new Error(`No schema for ${key}`);
  const fn = ajv.compile(schema);
  compiled.set(key, fn);
  return fn;
}

/** The validator of a GET operation's 200 JSON response, e.g. '/api/v1/users'. */
export async function responseValidator(path: (typeof SPEC_PATHS)[number]): Promise<ValidateFunction> {
  const spec = await loadSpec();
  return compile(`GET ${path} 200`, spec.paths[path]);
}

/** The validator of a component schema, e.g. 'User' or 'ModelError'. */
export async function componentValidator(name: (typeof SPEC_COMPONENTS)[number]): Promise<ValidateFunction> {
  const spec = await loadSpec();
  return compile(`#/components/schemas/${name}`, spec.components[name]);
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/** Asserts that a body matches; the message lists the first mismatches. */
export function expectValid(validate: ValidateFunction, body: unknown, label: string): void {
  const ok = validate(body);
  if (!ok) throw new Error(`${label} does not match the Okta spec:\n${describeErrors(validate.errors)}`);
}
