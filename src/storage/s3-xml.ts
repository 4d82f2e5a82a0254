/**
 * The XML documents of the S3 operations the sync uses, read and written with fast-xml-parser.
 *
 * Values stay strings (`parseTagValue: false`: a key such as `0123` or `1e5` must not become a
 * number) and are not trimmed (a key may end in a space). Entities are decoded on reading,
 * numeric character references included (`htmlEntities`: s3rver writes `'` as `&#x27;`, S3
 * writes control characters so), and escaped on writing, by the library. An element that S3 repeats (`Contents`, `Error`) is a
 * single object when it occurs once, hence `asArray`.
 *
 * The library is imported on first use, not when the process starts: importing it cost ~8 ms
 * (bench/README.md, "Sync, ninth pass"), which a process that reads no XML (a pipeline that
 * never syncs, a pull of a named checkpoint from an `http://` store that answers no error) no
 * longer pays; a push or a pull of 'latest' lists, so it only comes later there. An import that
 * fails is tried again at the next use rather than remembered.
 */
import type { XMLBuilder, XMLParser } from 'fast-xml-parser';

let codec: Promise<{ parser: XMLParser; builder: XMLBuilder }> | undefined;

function xmlCodec(): Promise<{ parser: XMLParser; builder: XMLBuilder }> {
  codec ??= import('fast-xml-parser').then(
    ({ XMLBuilder, XMLParser }) => ({
      parser: new XMLParser({
        ignoreAttributes: true,
        ignoreDeclaration: true,
        parseTagValue: false,
        trimValues: false,
        htmlEntities: true,
      }),
      builder: new XMLBuilder({ ignoreAttributes: true }),
    }),
    (err: unknown) => {
      codec = undefined;
      throw err;
    },
  );
  return codec;
}

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

async function parse(xml: string): Promise<XmlNode> {
  return (await xmlCodec()).parser.parse(xml) as XmlNode;
}

async function build(document: XmlNode): Promise<string> {
  return (await xmlCodec()).builder.build(document) as string;
}

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `{code, message}` of an S3 error document (`<Error><Code>…`), or null if `xml` is not one. */
export async function parseErrorDocument(xml: string): Promise<{ code: string; message: string } | null> {
  const { parser } = await xmlCodec();
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch {
    return null;
  }
  const error = doc.Error as XmlNode | undefined;
  const code = text(error?.Code);
  if (!code) return null;
  return { code, message: text(error?.Message) ?? '' };
}

/** A ListObjectsV2 page: its objects and the continuation token of the next page, if any. */
export async function parseListPage(
  xml: string,
): Promise<{ objects: ListedObject[]; nextToken: string | null }> {
  const result = ((await parse(xml)).ListBucketResult ?? {}) as XmlNode;
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
export async function parseUploadId(xml: string): Promise<string | null> {
  return text(((await parse(xml)).InitiateMultipartUploadResult as XmlNode | undefined)?.UploadId);
}

/** The per-key errors of a DeleteObjects result (empty when every key was deleted). */
export async function parseDeleteFailures(xml: string): Promise<DeleteFailure[]> {
  const result = ((await parse(xml)).DeleteResult ?? {}) as XmlNode;
  return asArray(result.Error).map((e) => ({ key: text(e.Key), code: text(e.Code) }));
}

/** The body of a quiet DeleteObjects request for `keys` (full keys). */
export function deleteRequestXml(keys: readonly string[]): Promise<string> {
  return build({ Delete: { Quiet: 'true', Object: keys.map((key) => ({ Key: key })) } });
}

/** The body of a CompleteMultipartUpload request. */
export function completeRequestXml(parts: readonly { PartNumber: number; ETag: string }[]): Promise<string> {
  return build({
    CompleteMultipartUpload: {
      Part: parts.map((p) => ({ PartNumber: String(p.PartNumber), ETag: p.ETag })),
    },
  });
}
