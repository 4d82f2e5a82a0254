/**
 * The support bundle's zip: `metadata.json` and `metadata.txt` at the root, then one
 * `<timestamp>/` directory per collection holding the files the request's selectors keep
 * (Feldera 0.312's layout). Collections with no file left add no directory.
 */
import { strToU8, type Zippable, zipSync } from 'fflate';
import { PLATFORM_VERSION } from '../version.js';
import {
  SELECTOR_FILES,
  SUPPORT_SELECTORS,
  type SupportCollection,
  type SupportSelector,
} from './collection.js';

export interface BundleRequest {
  pipeline_name: string;
  pipeline_id: string;
  collect: boolean;
  limit: number | null;
  selected: ReadonlySet<SupportSelector>;
}

function keptFiles(collection: SupportCollection, selected: ReadonlySet<SupportSelector>): string[] {
  const allowed = new Set(SUPPORT_SELECTORS.filter((s) => selected.has(s)).flatMap((s) => SELECTOR_FILES[s]));
  return [...collection.files.keys()].filter((name) => allowed.has(name)).sort();
}

function metadata(request: BundleRequest, collections: SupportCollection[], generatedAt: string) {
  return {
    pipeline_name: request.pipeline_name,
    pipeline_id: request.pipeline_id,
    platform_version: PLATFORM_VERSION,
    generated_at: generatedAt,
    collect: request.collect,
    limit: request.limit,
    selectors: Object.fromEntries(SUPPORT_SELECTORS.map((s) => [s, request.selected.has(s)])),
    collections: collections.map((c) => ({
      directory: c.directory,
      collected_at: c.collected_at,
      files: keptFiles(c, request.selected),
      errors: Object.fromEntries(
        Object.entries(c.errors).filter(([s]) => request.selected.has(s as SupportSelector)),
      ),
    })),
  };
}

function metadataText(meta: ReturnType<typeof metadata>): string {
  const lines = [
    `Support bundle for pipeline '${meta.pipeline_name}' (${meta.pipeline_id})`,
    `Generated at ${meta.generated_at} by Sluice ${meta.platform_version} (Feldera API ${meta.platform_version})`,
    `Selectors: ${Object.entries(meta.selectors)
      .map(([s, on]) => `${s}=${on}`)
      .join(', ')}`,
    `Collections: ${meta.collections.length}`,
  ];
  for (const c of meta.collections) {
    lines.push('', `${c.directory}/ (collected at ${c.collected_at})`);
    for (const f of c.files) lines.push(`  ${f}`);
    for (const [selector, error] of Object.entries(c.errors))
      lines.push(`  ${selector}: not collected: ${error}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The zip for `collections` (oldest first) as `request` asks. */
export function buildSupportBundle(
  request: BundleRequest,
  collections: SupportCollection[],
  now = new Date(),
): Uint8Array {
  const meta = metadata(request, collections, now.toISOString());
  const entries: Zippable = {
    'metadata.json': strToU8(`${JSON.stringify(meta, null, 2)}\n`),
    'metadata.txt': strToU8(metadataText(meta)),
  };
  for (const c of collections) {
    for (const name of keptFiles(c, request.selected)) {
      const data = c.files.get(name)!;
      // Compressed formats are stored, not deflated again.
      entries[`${c.directory}/${name}`] = /\.(gz|zip)$/.test(name) ? [data, { level: 0 }] : data;
    }
  }
  return zipSync(entries);
}
