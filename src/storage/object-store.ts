/**
 * One bucket location (bucket + key prefix) of an S3-compatible store, as the sync code needs
 * it: whole small objects, streamed downloads, verified uploads, listing and batch deletion.
 *
 * Requests are built and sent by Sluice's own S3 client (s3-client.ts, XML in s3-xml.ts).
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

import { createHash } from 'node:crypto';
import { ApiError } from '../types/errors.js';
import { BadDigestError, classifyStoreError, httpStatusOf, storeErrorName } from './errors.js';
import { type FileRange, rangeBody } from './file-body.js';
import { digestBuffer, hexToBase64 } from './hash.js';
import type { BodySource } from './plain-http.js';
import { type RetryPolicy, withRetry } from './retry.js';
import {
  discardBody,
  readBody,
  type S3Client,
  type S3Download,
  type S3Request,
  type S3Response,
  S3ServiceError,
  UNSIGNED_PAYLOAD,
} from './s3-client.js';
import {
  completeRequestXml,
  deleteRequestXml,
  parseDeleteFailures,
  parseErrorDocument,
  parseListPage,
  parseUploadId,
} from './s3-xml.js';
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
        const out = await this.#send({ method: 'GET', key: this.#key(key) });
        return await readBody(out.body);
      } catch (err) {
        if (storeErrorName(err) === 'NoSuchKey') return null;
        throw err;
      }
    });
  }

  async exists(key: string): Promise<boolean> {
    return this.#request('HeadObject', key, async () => {
      try {
        await discardBody((await this.#send({ method: 'HEAD', key: this.#key(key) })).body);
        return true;
      } catch (err) {
        if (httpStatusOf(err) === 404) return false;
        throw err;
      }
    });
  }

  /**
   * Uploads `body` in one request. `sha256Hex`, when the caller knows it, is sent as the signed
   * payload hash, which S3 verifies (otherwise it is computed here). With `ifAbsent`, only if
   * the key does not exist yet (S3 conditional write, `If-None-Match: *`; stores that do not
   * implement it get a plain PUT): returns false if it did.
   */
  async putBuffer(
    key: string,
    body: Buffer,
    options: { md5Hex?: string; sha256Hex?: string; ifAbsent?: boolean } = {},
  ): Promise<boolean> {
    const md5Hex = options.md5Hex ?? (await digestBuffer(body, ['md5'])).md5;
    const sha256Hex = options.sha256Hex ?? createHash('sha256').update(body).digest('hex');
    let conditional = options.ifAbsent ?? false;
    return this.#request('PutObject', key, async () => {
      try {
        const out = await this.#send({
          method: 'PUT',
          key: this.#key(key),
          headers: {
            'content-length': String(body.length),
            'content-md5': hexToBase64(md5Hex),
            ...(conditional ? { 'if-none-match': '*' } : {}),
          },
          body,
          payloadHash: sha256Hex,
        });
        await discardBody(out.body);
        checkEtag(out, md5Hex, key);
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
   * Uploads a byte range of a file (the whole of a blob's file, with the given digests,
   * computed by the caller from the same immutable file) in one request, streamed through the
   * range's chunk pool: memory holds one chunk, whatever the file's size. Each retry reads the
   * range again.
   */
  async putRange(
    key: string,
    range: FileRange,
    digests: { md5Hex: string; sha256Hex: string },
  ): Promise<void> {
    await this.#request('PutObject', key, async () => {
      const out = await this.#send({
        method: 'PUT',
        key: this.#key(key),
        headers: { 'content-length': String(range.length), 'content-md5': hexToBase64(digests.md5Hex) },
        body: rangeBody(range),
        payloadHash: digests.sha256Hex,
      });
      await discardBody(out.body);
      checkEtag(out, digests.md5Hex, key);
    });
  }

  /**
   * Streams the object (or a byte range of it) into `consume`, whose body hands out chunks that
   * are valid only during each call (`BodySource`); retries start `consume` again from the
   * beginning, so it must be restartable. Null if the key does not exist.
   */
  async download<T>(
    key: string,
    consume: (body: BodySource) => Promise<T>,
    range?: { start: number; end: number },
  ): Promise<T | null> {
    return this.#request('GetObject', key, async () => {
      let out: S3Download | undefined;
      try {
        out = await this.#client.download({
          bucket: this.location.bucket,
          key: this.#key(key),
          ...(range ? { headers: { range: `bytes=${range.start}-${range.end - 1}` } } : {}),
        });
        return await consume(out.body);
      } catch (err) {
        out?.body.destroy();
        if (storeErrorName(err) === 'NoSuchKey') return null;
        throw err;
      }
    });
  }

  /**
   * Every object under `prefix` (relative to the location), following pagination; `pageSize`
   * is the most keys one ListObjectsV2 request asks for (S3's default and maximum: 1000).
   */
  async list(prefix: string, pageSize?: number): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    let token: string | null = null;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix: this.#key(prefix) };
      if (token) query['continuation-token'] = token;
      if (pageSize !== undefined) query['max-keys'] = String(pageSize);
      const page = await this.#request(
        'ListObjectsV2',
        prefix,
        async () =>
          await parseListPage(
            (await readBody((await this.#send({ method: 'GET', query })).body)).toString('utf8'),
          ),
      );
      for (const object of page.objects) {
        out.push({
          key: object.key.slice(this.location.prefix.length),
          size: object.size,
          lastModified: object.lastModified,
        });
      }
      token = page.nextToken;
    } while (token);
    return out;
  }

  /** Deletes the keys (batches of 1000); a key that is already gone is not an error. */
  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const body = Buffer.from(await deleteRequestXml(batch.map((key) => this.#key(key))));
      const failures = await this.#request('DeleteObjects', batch[0], async () => {
        // S3 requires a digest of a DeleteObjects body; the body is small, hashing it is cheap.
        const out = await this.#send({
          method: 'POST',
          query: { delete: '' },
          headers: {
            'content-length': String(body.length),
            'content-md5': createHash('md5').update(body).digest('base64'),
          },
          body,
          payloadHash: createHash('sha256').update(body).digest('hex'),
        });
        return await parseDeleteFailures((await readBody(out.body)).toString('utf8'));
      });
      const failed = failures[0];
      if (failed) {
        throw new ApiError(
          'SyncFailed',
          `Deleting s3://${this.location.bucket}/${failed.key} failed (${failed.code})`,
          {
            operation: 'DeleteObjects',
            bucket: this.location.bucket,
            key: failed.key,
            store_error: failed.code,
          },
        );
      }
    }
  }

  async createMultipartUpload(key: string): Promise<string> {
    return this.#request('CreateMultipartUpload', key, async () => {
      const out = await this.#send({ method: 'POST', key: this.#key(key), query: { uploads: '' } });
      const uploadId = await parseUploadId((await readBody(out.body)).toString('utf8'));
      if (!uploadId) throw new S3ServiceError('InternalError', 'The answer names no UploadId', out.status);
      return uploadId;
    });
  }

  /**
   * Uploads one part, from memory or a byte range of a file (read again by each retry), and
   * checks its ETag against `md5Hex`; returns what Complete needs.
   */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer | FileRange,
    md5Hex: string,
  ): Promise<CompletedPart> {
    return this.#request('UploadPart', key, async () => {
      const out = await this.#send({
        method: 'PUT',
        key: this.#key(key),
        query: { partNumber: String(partNumber), uploadId },
        headers: { 'content-length': String(body.length), 'content-md5': hexToBase64(md5Hex) },
        body: Buffer.isBuffer(body) ? body : rangeBody(body),
        payloadHash: UNSIGNED_PAYLOAD,
      });
      await discardBody(out.body);
      const etag = checkEtag(out, md5Hex, `${key} part ${partNumber}`);
      if (!etag) throw new S3ServiceError('InternalError', `No ETag for part ${partNumber}`, out.status);
      return { PartNumber: partNumber, ETag: etag };
    });
  }

  /**
   * Completes a multipart upload. S3 may answer 200 and still fail, with an error document as
   * the body (it starts answering before the parts are assembled): that is thrown like any
   * other store error (e.g. `InternalError`, which is retried).
   */
  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    const body = Buffer.from(await completeRequestXml(parts));
    await this.#request('CompleteMultipartUpload', key, async () => {
      const out = await this.#send({
        method: 'POST',
        key: this.#key(key),
        query: { uploadId },
        headers: { 'content-length': String(body.length) },
        body,
        payloadHash: createHash('sha256').update(body).digest('hex'),
      });
      const failure = await parseErrorDocument((await readBody(out.body)).toString('utf8'));
      if (failure) throw new S3ServiceError(failure.code, failure.message, out.status);
    });
  }

  /** Best effort: an upload left behind only costs storage until a lifecycle rule removes it. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.#send({ method: 'DELETE', key: this.#key(key), query: { uploadId } })
      .then((out) => discardBody(out.body))
      .catch(() => undefined);
  }

  #key(key: string): string {
    return this.location.prefix + key;
  }

  #send(request: Omit<S3Request, 'bucket'>): Promise<S3Response> {
    return this.#client.send({ ...request, bucket: this.location.bucket });
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

/** Compares the answer's ETag, when it is an MD5, with `md5Hex`; returns the ETag. */
function checkEtag(out: S3Response, md5Hex: string, what: string): string | undefined {
  const etag = out.headers.etag;
  const match = etag ? MD5_ETAG.exec(etag) : null;
  if (match && match[1] !== md5Hex) {
    throw new BadDigestError(`ETag ${match[1]} of ${what} is not the MD5 ${md5Hex} of the bytes sent`);
  }
  return etag;
}
