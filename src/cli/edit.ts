/**
 * Edits of a pipeline's runtime or program configuration, as `sluice edit` takes them:
 * `KEY=VALUE` sets one field (a dotted path such as `resources.memory_mb_max`; the value is
 * JSON when it parses as JSON, a string otherwise), a file path replaces the whole
 * configuration with the JSON object in it. The result is sent whole in a PATCH (Feldera
 * replaces a configuration given in a PATCH, it does not merge it); secrets come back from
 * the server redacted and the server restores them, so the read-modify-write keeps them.
 */
import { existsSync, readFileSync } from 'node:fs';

export type Config = Record<string, unknown>;

export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
  /** The field did not exist in the configuration before (a likely typo). */
  unknownField: boolean;
}

const ASSIGNMENT = /^([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)=(.*)$/s;

function isObject(value: unknown): value is Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `4` → 4, `null` → null, `{"a":1}` → object, `exactly_once` → "exactly_once". */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(config: Config, path: string, value: unknown, what: string): ConfigChange {
  const keys = path.split('.');
  let node = config;
  let known = true;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    const next = node[key];
    if (next === undefined || next === null) {
      known &&= next === null;
      node[key] = {};
    } else if (!isObject(next)) {
      throw new Error(
        `cannot set ${what} field '${path}': '${keys.slice(0, i + 1).join('.')}' is ${JSON.stringify(next)}, not an object`,
      );
    }
    node = node[key] as Config;
  }
  const last = keys.at(-1)!;
  const before = node[last];
  known &&= last in node;
  node[last] = value;
  return { path, before, after: value, unknownField: !known };
}

function readConfigFile(file: string, what: string): Config {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${what} from ${file}: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new Error(`${file} must hold a JSON object (the ${what})`);
  return value;
}

/**
 * Applies `edits` in order to a copy of `current`; returns the new configuration and what
 * changed. An edit is `KEY=VALUE` unless a file of that name exists.
 */
export function applyConfigEdits(
  current: Config,
  edits: string[],
  what: string,
): { config: Config; changes: ConfigChange[] } {
  let config = structuredClone(current);
  const changes: ConfigChange[] = [];
  for (const edit of edits) {
    const assignment = existsSync(edit) ? null : ASSIGNMENT.exec(edit);
    if (assignment) {
      changes.push(setPath(config, assignment[1]!, parseValue(assignment[2]!), what));
    } else if (existsSync(edit)) {
      config = readConfigFile(edit, what);
      changes.push({ path: `(all, from ${edit})`, before: undefined, after: undefined, unknownField: false });
    } else {
      throw new Error(`'${edit}' is neither KEY=VALUE nor an existing JSON file (for the ${what})`);
    }
  }
  return { config, changes };
}
