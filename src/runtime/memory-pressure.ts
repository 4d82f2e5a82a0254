/**
 * The memory pressure of a pipeline process, as `/stats` reports it
 * (`global_metrics.memory_pressure` and `memory_pressure_epoch`), computed as Feldera computes it.
 *
 * Source: Feldera's `feldera_types::memory_pressure` (the thresholds) and the `rss-monitor`
 * thread of `dbsp::circuit::runtime` (the sampling and the hysteresis); the OpenAPI of 0.312
 * documents the levels (`MemoryPressure`) and the limit (`RuntimeConfig.max_rss_mb`).
 *
 * - The limit is `runtime_config.max_rss_mb`, else `resources.memory_mb_max` (OpenAPI:
 *   "When `max_rss_mb` is not specified but `resources.memory_mb_max` is set, the latter is used
 *   as the effective memory cap"), in MiB as every other memory setting of Sluice. Without a
 *   limit the pressure is always `low`, as in Feldera.
 * - The raw level compares the process RSS with the limit: at least 95% `critical`, at least 90%
 *   `high`, at least 85% `moderate`, else `low` (each bound belongs to the higher level).
 * - The RSS is sampled once a second; the reported level follows the raw level, except that
 *   from `high` it stays `high` until the raw level is `low` (rising to `critical` at once), and
 *   from `critical` it stays `critical` until the raw level is `moderate` or `low`: memory that
 *   was short is not reported as fine again because a merge just freed a little.
 * - The epoch counts the times the reported level rose from below `high` to `high` or above.
 *
 * Sluice does not (yet) react to the level the way Feldera's mergers do (spilling every batch
 * at `moderate` and above); its memory bounds come from `resources.memory_mb_max` (memory.ts).
 */

export type MemoryPressure = 'low' | 'moderate' | 'high' | 'critical';

/** Feldera's `MODERATE_`, `HIGH_` and `CRITICAL_MEMORY_PRESSURE_THRESHOLD`: fractions of the limit. */
export const MEMORY_PRESSURE_THRESHOLDS = { moderate: 0.85, high: 0.9, critical: 0.95 } as const;

/** How often the RSS is sampled (Feldera's rss-monitor parks one second between samples). */
export const MEMORY_PRESSURE_SAMPLE_MS = 1000;

const RANK: Record<MemoryPressure, number> = { low: 0, moderate: 1, high: 2, critical: 3 };
const MIB = 1024 * 1024;

/**
 * The limit memory pressure is measured against, in bytes: `max_rss_mb`, else
 * `resources.memory_mb_max` (both MiB); null when neither is a positive integer.
 */
export function maxRssBytesOf(runtimeConfig: Record<string, unknown>): number | null {
  const positive = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null);
  const resources = (runtimeConfig.resources ?? {}) as Record<string, unknown>;
  const mb = positive(runtimeConfig.max_rss_mb) ?? positive(resources.memory_mb_max);
  return mb === null ? null : mb * MIB;
}

/** The level of `rssBytes` against `maxRssBytes` alone (Feldera's `raw_memory_pressure`). */
export function rawMemoryPressure(rssBytes: number, maxRssBytes: number | null): MemoryPressure {
  if (maxRssBytes === null) return 'low';
  if (rssBytes >= MEMORY_PRESSURE_THRESHOLDS.critical * maxRssBytes) return 'critical';
  if (rssBytes >= MEMORY_PRESSURE_THRESHOLDS.high * maxRssBytes) return 'high';
  if (rssBytes >= MEMORY_PRESSURE_THRESHOLDS.moderate * maxRssBytes) return 'moderate';
  return 'low';
}

/** The reported level after `previous`, given the raw level now (the hysteresis above). */
export function nextMemoryPressure(previous: MemoryPressure, raw: MemoryPressure): MemoryPressure {
  if (previous === 'high') return raw === 'critical' ? 'critical' : raw === 'low' ? 'low' : 'high';
  if (previous === 'critical') return raw === 'high' ? 'critical' : raw;
  return raw;
}

/** Samples the process RSS and keeps the reported memory pressure and its epoch. */
export class MemoryPressureMonitor {
  private current: MemoryPressure = 'low';
  private epochCount = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param maxRssBytes the limit (see `maxRssBytesOf`); null: always `low`
   * @param readRss the process RSS in bytes (default `process.memoryUsage.rss()`)
   */
  constructor(
    readonly maxRssBytes: number | null,
    private readonly readRss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** Takes one sample now and then one every `MEMORY_PRESSURE_SAMPLE_MS` (the timer is unref'd). */
  start(): void {
    this.sample();
    if (this.timer || this.maxRssBytes === null) return;
    this.timer = setInterval(() => this.sample(), MEMORY_PRESSURE_SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the RSS and moves the reported level (and the epoch) as Feldera's monitor does. */
  sample(): void {
    const previous = this.current;
    this.current = nextMemoryPressure(previous, rawMemoryPressure(this.readRss(), this.maxRssBytes));
    if (RANK[previous] < RANK.high && RANK[this.current] >= RANK.high) this.epochCount++;
  }

  get pressure(): MemoryPressure {
    return this.current;
  }

  /** How many times the level rose to `high` or `critical` from below. */
  get epoch(): number {
    return this.epochCount;
  }
}
