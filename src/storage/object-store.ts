/**
 * One bucket location (bucket + key prefix) of an S3-compatible store, as the sync code needs
 * it: whole small objects, streamed downloads, verified uploads, listing and batch deletion.
 *
 * Every request goes through the retry policy and, on final failure, through the error
 * classification (errors.ts), so callers only ever see `ApiError`s free of secrets. Absence is
 * a value, not an error: `getBuffer` and `download` return null for a missing key, `exists`
 * false.
 *
 * Every upload carries Content-MD5, which S3, MinIO and most clones check on receipt, and the
 * returned ETag is compared with the MD5 of the bytes sent, which catches stores that ignore
 * the header (s3rver, moto) as long as their ETag is the MD5 (it is not under SSE-KMS: such an
 * ETag is not checked).
 */

import { createReadStream } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ApiError } from '../types/errors.js';
import { BadDigestError, classifyStoreError, httpStatusOf, storeErrorName } from './errors.js';
import { digestBuffer, hexToBase64 } from './hash.js';
import { type RetryPolicy, withRetry } from './retry.js';
import type { BucketLocation } from './sync-config.js';

export interface StoredObject {
  /** Key relative to the location's prefix. */
  key: string;
  size: number;
  lastModified: Date;
}

export interface CompletedPart {
  PartNumber: number;
  ETag: string;
}

const DELETE_BATCH = 1000;
/** Read size of streamed uploads. */
const STREAM_CHUNK_BYTES = 1024 * 1024;
/** Parts carry Content-MD5 (checked through the ETag) instead of a signed payload hash. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MD5_ETAG = /^"?([0-9a-f]{32})"?$/;

/** A bucket location with retried, classified, integrity-checked operations. */
export class ObjectStore {
  readonly location: BucketLocation;
  readonly #client: S3Client;
  readonly #retry: RetryPolicy;
  readonly #endpoint: string;
  readonly #secrets: readonly string[];

  constructor(
    client: S3Client,
    location: BucketLocation,
    retry: RetryPolicy,
    context: { endpoint: string; secrets: readonly string[] },
  ) {
    this.#client = client;
    this.location = location;
    this.#retry = retry;
    this.#endpoint = context.endpoint;
    this.#secrets = context.secrets;
  }

  /** `s3://bucket/prefix`, for messages. */
  describe(): string {
    return `s3://${this.location.bucket}/${this.location.prefix}`;
  }

  async getBuffer(key: string): Promise<Buffer | null> {
    return this.#request('GetObject', key, async () => {
      try {
        const out = await this.#client.send(
          new GetObjectCommand({ Bucket: this.location.bucket, Key: this.#key(key) }),
        );
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch (err) {
        if (storeErrorName(err) === 'NoSuchKey') return null;
        throw err;
      }
    });
  }

  async exists(key: string): Promise<boolean> {
    return this.#request('HeadObject', key, async () => {
      try {
        await this.#client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.#key(key) }));
        return true;
      } catch (err) {
        if (httpStatusOf(err) === 404) return false;
        throw err;
      }
    });
  }

  /**
   * Uploads `body` in one request. `sha256Hex`, when the caller knows it, is sent as the signed
   * payload hash, which S3 verifies (and the SDK then does not hash the body again). With
   * `ifAbsent`, only if the key does not exist yet (S3 conditional write; stores that do not
   * implement it get a plain PUT): returns false if it did.
   */
  async putBuffer(
    key: string,
    body: Buffer,
    options: { md5Hex?: string; sha256Hex?: string; ifAbsent?: boolean } = {},
  ): Promise<boolean> {
    const md5Hex = options.md5Hex ?? (await digestBuffer(body, ['md5'])).md5;
    let conditional = options.ifAbsent ?? false;
    return this.#request('PutObject', key, async () => {
      try {
        const command = new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.#key(key),
          Body: body,
          ContentLength: body.length,
          ContentMD5: hexToBase64(md5Hex),
          ...(conditional ? { IfNoneMatch: '*' } : {}),
        });
        if (options.sha256Hex) setPayloadHash(command, options.sha256Hex);
        const out = await this.#client.send(command);
        checkEtag(out.ETag, md5Hex, key);
        return true;
      } catch (err) {
        const name = storeErrorName(err);
        if (conditional && name === 'PreconditionFailed') return false;
        // 501 is retried; the retry goes out as a plain PUT.
        if (conditional && name === 'NotImplemented') conditional = false;
        throw err;
      }
    });
  }

  /**
   * Uploads the file at `path` (`size` bytes, with the given digests, computed by the caller
   * from the same immutable file) in one request, streaming it from disk: memory holds only
   * the stream's buffers, whatever the file's size. Each retry streams the file again.
   */
  async putFile(
    key: string,
    path: string,
    size: number,
    digests: { md5Hex: string; sha256Hex: string },
  ): Promise<void> {
    await this.#request('PutObject', key, async () => {
      const body = createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES });
      try {
        const command = new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.#key(key),
          Body: body,
          ContentLength: size,
          ContentMD5: hexToBase64(digests.md5Hex),
        });
        setPayloadHash(command, digests.sha256Hex);
        const out = await this.#client.send(command);
        checkEtag(out.ETag, digests.md5Hex, key);
      } finally {
        body.destroy();
      }
    });
  }

  /**
   * Streams the object (or a byte range of it) into `consume`; retries start `consume` again
   * from the beginning, so it must be restartable. Null if the key does not exist.
   */
  async download<T>(
    key: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>,
    range?: { start: number; end: number },
  ): Promise<T | null> {
    return this.#request('GetObject', key, async () => {
      let body: (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      try {
        const out = await this.#client.send(
          new GetObjectCommand({
            Bucket: this.location.bucket,
            Key: this.#key(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
          }),
        );
        body = out.Body as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
        return await consume(body);
      } catch (err) {
        body?.destroy?.();
        if (storeErrorName(err) === 'NoSuchKey') return null;
        throw err;
      }
    });
  }

  /** Every object under `prefix` (relative to the location), following pagination. */
  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.#request('ListObjectsV2', prefix, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: this.#key(prefix),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        out.push({
          key: object.Key.slice(this.location.prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Deletes the keys (batches of 1000); a key that is already gone is not an error. */
  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.#request('DeleteObjects', batch[0], () =>
        this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.location.bucket,
            Delete: { Objects: batch.map((key) => ({ Key: this.#key(key) })), Quiet: true },
          }),
        ),
      );
      const failed = out.Errors?.[0];
      if (failed) {
        throw new ApiError(
          'SyncFailed',
          `Deleting s3://${this.location.bucket}/${failed.Key} failed (${failed.Code})`,
          {
            operation: 'DeleteObjects',
            bucket: this.location.bucket,
            key: failed.Key ?? null,
            store_error: failed.Code ?? null,
          },
        );
      }
    }
  }

  async createMultipartUpload(key: string): Promise<string> {
    const out = await this.#request('CreateMultipartUpload', key, () =>
      this.#client.send(
        new CreateMultipartUploadCommand({ Bucket: this.location.bucket, Key: this.#key(key) }),
      ),
    );
    return out.UploadId!;
  }

  /** Uploads one part and checks its ETag against `md5Hex`; returns what Complete needs. */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer,
    md5Hex: string,
  ): Promise<CompletedPart> {
    return this.#request('UploadPart', key, async () => {
      const command = new UploadPartCommand({
        Bucket: this.location.bucket,
        Key: this.#key(key),
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ContentMD5: hexToBase64(md5Hex),
      });
      setPayloadHash(command, UNSIGNED_PAYLOAD);
      const out = await this.#client.send(command);
      checkEtag(out.ETag, md5Hex, `${key} part ${partNumber}`);
      return { PartNumber: partNumber, ETag: out.ETag! };
    });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    await this.#request('CompleteMultipartUpload', key, () =>
      this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.location.bucket,
          Key: this.#key(key),
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      ),
    );
  }

  /** Best effort: an upload left behind only costs storage until a lifecycle rule removes it. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.#client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.location.bucket,
          Key: this.#key(key),
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
  }

  #key(key: string): string {
    return this.location.prefix + key;
  }

  async #request<T>(operation: string, key: string | undefined, attempt: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(attempt, this.#retry);
    } catch (err) {
      throw classifyStoreError(err, {
        operation,
        endpoint: this.#endpoint,
        bucket: this.location.bucket,
        ...(key !== undefined ? { key: this.#key(key) } : {}),
        secrets: this.#secrets,
      });
    }
  }
}

/** The part of a command's middleware stack `setPayloadHash` uses. */
interface BuildStepStack {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ): void;
}

/**
 * Sets the payload hash a request is signed with. Otherwise the SDK hashes the whole body
 * again, in one synchronous call that blocks the event loop for as long as a large part takes.
 */
function setPayloadHash(command: PutObjectCommand | UploadPartCommand, hash: string): void {
  (command.middlewareStack as unknown as BuildStepStack).add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = hash;
      return next(args);
    },
    { step: 'build', name: 'sluicePayloadHash' },
  );
}

function checkEtag(etag: string | undefined, md5Hex: string, what: string): void {
  const match = etag ? MD5_ETAG.exec(etag) : null;
  if (match && match[1] !== md5Hex) {
    throw new BadDigestError(`ETag ${match[1]} of ${what} is not the MD5 ${md5Hex} of the bytes sent`);
  }
}
