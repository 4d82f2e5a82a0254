/**
 * The Python of Feldera's SDK venv (../shared/clients/feldera-sdk-env prints it, building the
 * venv once), for tests that read our answers with the SDK's own libraries (pyarrow).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ENV_SCRIPT = join(process.cwd(), '..', 'shared', 'clients', 'feldera-sdk-env');

/** The SDK's python, or why there is none (no ../shared beside the clone, or no venv). */
export function sdkPython(): { python: string } | { skip: string } {
  if (!existsSync(ENV_SCRIPT))
    return { skip: `no Feldera SDK beside the repository (${ENV_SCRIPT} is absent)` };
  const res = spawnSync(ENV_SCRIPT, { encoding: 'utf8', timeout: 300_000 });
  if (res.status !== 0)
    return {
      skip: `the SDK's Python environment is unavailable: ${(res.stderr || `exit ${res.status}`).trim()}`,
    };
  return { python: res.stdout.trim().split('\n').at(-1)! };
}
