/**
 * The repository's TypeScript transpiled to plain JavaScript, file by file (esbuild, no
 * bundling, so module layout and `import.meta.url`-relative paths such as the merge worker's
 * stay as in `dist/`), for benchmarks that measure a pipeline process as `npm start` runs it.
 * Under `node --import tsx` the loader's hooks run on threads of their own, in the process and
 * again in each worker thread that registers tsx: an idle process with one worker takes 53 MiB
 * of RSS under plain node and 88 MiB under tsx, which a memory figure must not count
 * (bench/README.md, "1 GiB under a 512 MiB limit, after the index and filter change").
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The directories benchmarks import from (bench/ uses test/helpers' S3 server). */
const SOURCES = ['src', 'bench', 'test/helpers'];

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return name.endsWith(ext) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Transpiles src/, bench/ and test/helpers/ (their .mjs scripts copied as they are) into `.bench-build/` at the repository's root (inside it, so that
 * packages resolve from its node_modules) and returns the path of `file` (a .ts path in the
 * repository) in that build, as .js.
 */
export async function compiledPath(file: string): Promise<string> {
  const out = join(ROOT, '.bench-build');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir), '.ts')),
    outdir: out,
    outbase: ROOT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  for (const script of SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir), '.mjs')))
    copyFileSync(script, join(out, relative(ROOT, script)));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  return join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
}

/** `execArgv` without the tsx loader (`--import tsx`, `--import=tsx`, `--loader tsx`). */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if ((arg === '--import' || arg === '--loader') && execArgv[i + 1]?.startsWith('tsx')) i++;
    else if (!/^--(import|loader)=tsx/.test(arg)) out.push(arg);
  }
  return out;
}
