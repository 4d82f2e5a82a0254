/**
 * The S3 client for a `SyncSettings`.
 *
 * - Addressing: virtual-hosted (bucket.host) for provider AWS, path style for everyone else.
 * - Credentials: the configured key pair, or else the SDK's standard chain (environment
 *   variables, shared profile, container and instance roles, IRSA web identity).
 * - The SDK's retries are off (`maxAttempts: 1`): retry.ts is the single retry policy.
 * - Checksums only when an operation requires one (`WHEN_REQUIRED`). The SDK's default adds a
 *   CRC32 to every upload, sent as an aws-chunked trailer on streamed bodies, which S3 clones
 *   such as s3rver store verbatim as object data. Integrity comes from Content-MD5 on every
 *   upload, an ETag check, and the SHA-256 of every blob verified end to end.
 * - No `Expect: 100-continue`. The SDK adds it to every upload of 2 MiB or more, and for such a
 *   request its Node handler opens a fresh connection without keep-alive (unless given an
 *   Agent instance) and waits for the server's 100 before sending the body: a connection and a
 *   round trip per file and per part. The header only saves sending a body the store would
 *   refuse, which a sync's uploads almost never are (rclone does not send it either).
 * - A connect timeout, and an idle-socket timeout rather than a total one, so that a hung store
 *   fails fast while a slow multi-gigabyte transfer does not.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { SyncSettings } from './sync-config.js';

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_SOCKET_TIMEOUT_MS = 60_000;
const MAX_SOCKETS_CAP = 256;

export function createS3Client(settings: SyncSettings): S3Client {
  const parallelRequests = Math.max(
    settings.checkers,
    settings.transfers * Math.max(settings.uploadConcurrency, settings.multiThreadStreams),
  );
  const agent = { keepAlive: true, maxSockets: Math.min(MAX_SOCKETS_CAP, parallelRequests) };
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    expectContinueHeader: false,
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: IDLE_SOCKET_TIMEOUT_MS,
      httpAgent: agent,
      httpsAgent: agent,
    },
  });
}
