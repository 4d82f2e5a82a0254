/**
 * Progress of a transfer (push or pull): files and bytes done out of the total, reported to a
 * listener after every change so status endpoints and logs can show it.
 */

export type TransferPhase = 'checking' | 'transferring' | 'committing' | 'retention' | 'done';

export interface TransferProgress {
  phase: TransferPhase;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export type ProgressListener = (progress: Readonly<TransferProgress>) => void;

/** Accumulates progress and passes a snapshot to the listener after each change. */
export class ProgressTracker {
  readonly #state: TransferProgress = {
    phase: 'checking',
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
  };
  readonly #listener: ProgressListener | undefined;

  constructor(listener: ProgressListener | undefined) {
    this.#listener = listener;
  }

  start(filesTotal: number, bytesTotal: number): void {
    Object.assign(this.#state, { phase: 'transferring', filesTotal, bytesTotal, filesDone: 0, bytesDone: 0 });
    this.#emit();
  }

  phase(phase: TransferPhase): void {
    this.#state.phase = phase;
    this.#emit();
  }

  bytes(count: number): void {
    this.#state.bytesDone += count;
    this.#emit();
  }

  fileDone(): void {
    this.#state.filesDone++;
    this.#emit();
  }

  snapshot(): TransferProgress {
    return { ...this.#state };
  }

  #emit(): void {
    this.#listener?.({ ...this.#state });
  }
}
