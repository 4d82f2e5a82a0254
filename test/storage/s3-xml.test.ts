/**
 * The S3 XML documents of src/storage/s3-xml.ts that a test server does not produce on demand:
 * per-key DeleteObjects failures, an error document inside a 200 answer, a one-entry listing,
 * and request bodies whose keys need escaping.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  completeRequestXml,
  deleteRequestXml,
  parseDeleteFailures,
  parseErrorDocument,
  parseListPage,
  parseUploadId,
} from '../../src/storage/s3-xml.js';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

test('DeleteObjects failures are read key by key; a quiet success has none', async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult ${NS}>
  <Error><Key>blobs/a&amp;b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
  <Error><Key>blobs/c</Key><Code>InternalError</Code><Message>x</Message></Error>
</DeleteResult>`;
  assert.deepEqual(await parseDeleteFailures(xml), [
    { key: 'blobs/a&b', code: 'AccessDenied' },
    { key: 'blobs/c', code: 'InternalError' },
  ]);
  assert.deepEqual(await parseDeleteFailures(`<DeleteResult ${NS}></DeleteResult>`), []);
});

test('an error document is recognized (CompleteMultipartUpload may send one with HTTP 200), anything else is not', async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>1</RequestId></Error>`;
  assert.deepEqual(await parseErrorDocument(xml), {
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
  });
  const completed = `<CompleteMultipartUploadResult ${NS}><Key>k</Key><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>`;
  assert.equal(await parseErrorDocument(completed), null);
  assert.equal(await parseErrorDocument('not xml at all <'), null);
  assert.equal(await parseErrorDocument(''), null);
});

test('a listing keeps keys as strings, exactly, and reads the continuation token only when truncated', async () => {
  const page = await parseListPage(`<ListBucketResult ${NS}><IsTruncated>true</IsTruncated>
<Contents><Key> 0123 </Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><Size>42</Size></Contents>
<NextContinuationToken>tok+/=</NextContinuationToken></ListBucketResult>`);
  assert.deepEqual(page, {
    objects: [{ key: ' 0123 ', size: 42, lastModified: new Date('2026-12-01T10:00:00.000Z') }],
    nextToken: 'tok+/=',
  });
  const last = await parseListPage(
    `<ListBucketResult ${NS}><IsTruncated>false</IsTruncated><NextContinuationToken>x</NextContinuationToken></ListBucketResult>`,
  );
  assert.deepEqual(last, { objects: [], nextToken: null });
  assert.equal(
    await parseUploadId(
      `<InitiateMultipartUploadResult ${NS}><UploadId>u-1</UploadId></InitiateMultipartUploadResult>`,
    ),
    'u-1',
  );
});

test('request bodies escape keys and keep parts in order', async () => {
  const body = await deleteRequestXml(['a<b>&"c\'', 'plain']);
  assert.ok(!body.includes('a<b>'), body);
  assert.ok(body.includes('<Quiet>true</Quiet>'), body);
  const failures = await parseDeleteFailures(
    `<DeleteResult>${body
      .replace(/<\/?Delete>/g, '')
      .replace(/<Object>/g, '<Error>')
      .replace(/<\/Object>/g, '</Error>')
      .replace('<Quiet>true</Quiet>', '')}</DeleteResult>`,
  );
  assert.deepEqual(
    failures.map((f) => f.key),
    ['a<b>&"c\'', 'plain'],
  );
  const complete = await completeRequestXml([
    { PartNumber: 1, ETag: '"e1"' },
    { PartNumber: 2, ETag: '"e2"' },
  ]);
  assert.ok(
    complete.indexOf('<PartNumber>1</PartNumber>') < complete.indexOf('<PartNumber>2</PartNumber>'),
    complete,
  );
});
