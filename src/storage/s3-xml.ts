/**
 * The XML documents of the S3 operations the sync uses, read and written with fast-xml-parser.
 *
 * Values stay strings (`parseTagValue: false`: a key such as `0123` or `1e5` must not become a
 * number) and are not trimmed (a key may end in a space). Entities are decoded on reading,
 * numeric character references included (`htmlEntities`: s3rver writes `'` as `&#x27;`, S3
 * writes control characters so), and escaped on writing, by the library. An element that S3 repeats (`Contents`, `Error`) is a
 * single object when it occurs once, hence `asArray`.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});
const builder = new XMLBuilder({ ignoreAttributes: true });

/** One entry of a ListObjectsV2 page; `key` is the full key, `lastModified` the store's time. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** A per-key failure reported in a DeleteObjects result. */
export interface DeleteFailure {
  key: string | null;
  code: string | null;
}

type XmlNode = Record<string, unknown>;

function parse(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `{code, message}` of an S3 error document (`<Error><Code>…`), or null if `xml` is not one. */
export function parseErrorDocument(xml: string): { code: string; message: string } | null {
  let doc: XmlNode;
  try {
    doc = parse(xml);
  } catch {
    return null;
  }
  const error = doc.Error as XmlNode | undefined;
  const code = text(error?.Code);
  if (!code) return null;
  return { code, message: text(error?.Message) ?? '' };
}

/** A ListObjectsV2 page: its objects and the continuation token of the next page, if any. */
export function parseListPage(xml: string): { objects: ListedObject[]; nextToken: string | null } {
  const result = (parse(xml).ListBucketResult ?? {}) as XmlNode;
  const objects: ListedObject[] = [];
  for (const entry of asArray(result.Contents)) {
    const key = text(entry.Key);
    if (key === null) continue;
    const modified = text(entry.LastModified);
    objects.push({
      key,
      size: Number(text(entry.Size) ?? 0),
      lastModified: modified ? new Date(modified) : new Date(0),
    });
  }
  const truncated = text(result.IsTruncated) === 'true';
  return { objects, nextToken: truncated ? text(result.NextContinuationToken) : null };
}

/** The UploadId of an InitiateMultipartUploadResult. */
export function parseUploadId(xml: string): string | null {
  return text((parse(xml).InitiateMultipartUploadResult as XmlNode | undefined)?.UploadId);
}

/** The per-key errors of a DeleteObjects result (empty when every key was deleted). */
export function parseDeleteFailures(xml: string): DeleteFailure[] {
  const result = (parse(xml).DeleteResult ?? {}) as XmlNode;
  return asArray(result.Error).map((e) => ({ key: text(e.Key), code: text(e.Code) }));
}

/** The body of a quiet DeleteObjects request for `keys` (full keys). */
export function deleteRequestXml(keys: readonly string[]): string {
  return builder.build({ Delete: { Quiet: 'true', Object: keys.map((key) => ({ Key: key })) } });
}

/** The body of a CompleteMultipartUpload request. */
export function completeRequestXml(parts: readonly { PartNumber: number; ETag: string }[]): string {
  return builder.build({
    CompleteMultipartUpload: {
      Part: parts.map((p) => ({ PartNumber: String(p.PartNumber), ETag: p.ETag })),
    },
  });
}
