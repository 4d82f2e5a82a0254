/**
 * Support-data collections: what one support-bundle request gathered from a pipeline, and the
 * most recent ones the manager keeps per pipeline.
 *
 * Feldera (0.312) stores each collection and answers a bundle request with the retained ones
 * (`--support-data-retention`, default 3), the newest last, each in its own `<timestamp>/`
 * directory of the zip. Sluice keeps them in the manager's memory: they are lost when the
 * manager restarts, and a deleted pipeline's are dropped with it on the next request.
 */

/** The selectors of `GET /support_bundle`, each true unless the request says false. */
export const SUPPORT_SELECTORS = [
  'circuit_profile',
  'heap_profile',
  'metrics',
  'logs',
  'stats',
  'pipeline_config',
  'system_config',
  'dataflow_graph',
  'pipeline_events',
] as const;

export type SupportSelector = (typeof SUPPORT_SELECTORS)[number];

/** The file names each selector contributes to a collection. */
export const SELECTOR_FILES: Record<SupportSelector, readonly string[]> = {
  circuit_profile: ['circuit_profile.json.gz', 'circuit_profile.zip'],
  heap_profile: ['heap_profile.json'],
  metrics: ['metrics.txt'],
  logs: ['logs.txt'],
  stats: ['stats.json'],
  pipeline_config: ['pipeline_config.json'],
  system_config: ['system_config.json'],
  dataflow_graph: ['dataflow_graph.json'],
  pipeline_events: ['pipeline_events.json'],
};

export interface SupportCollection {
  /** When it was gathered (ISO 8601); its directory name is derived from it. */
  collected_at: string;
  /** Directory name inside the bundle: unique among the pipeline's collections. */
  directory: string;
  /** File name to contents. */
  files: Map<string, Uint8Array>;
  /** Selector to why its data could not be gathered (e.g. the pipeline is not running). */
  errors: Partial<Record<SupportSelector, string>>;
}

/** Feldera's default `--support-data-retention`. */
export const SUPPORT_DATA_RETENTION = 3;

/** The retained collections of every pipeline, by pipeline id, oldest first. */
export class SupportDataStore {
  private readonly byPipeline = new Map<string, SupportCollection[]>();

  constructor(private readonly retention = SUPPORT_DATA_RETENTION) {}

  add(pipelineId: string, collection: SupportCollection): void {
    const list = this.byPipeline.get(pipelineId) ?? [];
    list.push(collection);
    while (list.length > this.retention) list.shift();
    this.byPipeline.set(pipelineId, list);
  }

  /** The newest `limit` collections (all when undefined), oldest first. */
  recent(pipelineId: string, limit?: number): SupportCollection[] {
    const list = this.byPipeline.get(pipelineId) ?? [];
    return limit === undefined ? [...list] : list.slice(Math.max(0, list.length - limit));
  }

  /** Forgets pipelines that no longer exist. */
  retainOnly(existingIds: ReadonlySet<string>): void {
    for (const id of this.byPipeline.keys()) if (!existingIds.has(id)) this.byPipeline.delete(id);
  }

  /** A directory name for a collection taken at `at` that no retained one of the pipeline uses. */
  directoryFor(pipelineId: string, at: Date): string {
    const base = at.toISOString().replace(/:/g, '-');
    const used = new Set((this.byPipeline.get(pipelineId) ?? []).map((c) => c.directory));
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    return name;
  }
}
