/**
 * The executor interface: how the runner spawns, finds, talks to and stops a pipeline process.
 *
 * The runner (reconciler) only decides *what* should happen; an executor knows *how* on one
 * kind of infrastructure. `LocalProcessExecutor` runs each pipeline as an OS process on this
 * machine; a Kubernetes executor could implement the same interface.
 */
import type { Readable } from 'node:stream';
import type { DeploymentSpec } from '../../types/runtime.js';
import type { DeploymentLocation } from '../store/types.js';

export type { DeploymentSpec };

/** How a process ended, when the executor knows. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** A response from a pipeline process, body not yet read. */
export interface ProcessResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface RequestOptions {
  query?: string;
  headers?: Record<string, string>;
  body?: Buffer | NodeJS.ReadableStream;
  /** Abort when no response headers arrive within this time. */
  timeoutMs?: number;
  /** Aborts the request (e.g. when the client of a proxied request went away). */
  signal?: AbortSignal;
}

export interface PipelineExecutor {
  /** Starts the process; the port is learnt later through `discoverPort`. */
  spawn(spec: DeploymentSpec): Promise<DeploymentLocation>;
  /** The port the process announced, or null if it has not yet. */
  discoverPort(
    location: DeploymentLocation,
    pipelineDir: string,
    deploymentId: string,
  ): Promise<number | null>;
  /** Whether the process still exists. */
  isAlive(location: DeploymentLocation): boolean;
  /** How the process ended, if it was started by this executor and has ended. */
  exitInfo(location: DeploymentLocation): ExitInfo | null;
  kill(location: DeploymentLocation, signal: NodeJS.Signals): void;
  /** Sends an HTTP request to the process's loopback server. */
  request(
    location: DeploymentLocation,
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<ProcessResponse>;
}
