/**
 * The pipeline process's log: plain text lines on stdout, which the executor appends to the
 * pipeline's log file. `GET /logs` shows them as written, so they are meant for people:
 * `<ISO time> <LEVEL> <message>`. Secrets from the configuration are scrubbed from every line.
 */

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Line logger that never prints a configured secret. */
export class PipelineLogger {
  private secrets: string[] = [];

  /** Registers strings (keys, passwords) that must never appear in a log line. */
  addSecrets(secrets: string[]): void {
    this.secrets.push(...secrets.filter((s) => s.length > 0));
  }

  private write(level: Level, message: string): void {
    let line = message;
    for (const secret of this.secrets) line = line.split(secret).join('<redacted>');
    process.stdout.write(`${new Date().toISOString()} ${level} ${line}\n`);
  }

  debug(message: string): void {
    if (process.env.SLUICE_DEBUG) this.write('DEBUG', message);
  }
  info(message: string): void {
    this.write('INFO', message);
  }
  warn(message: string): void {
    this.write('WARN', message);
  }
  error(message: string): void {
    this.write('ERROR', message);
  }
}
