// Runs s3rver as its own process, so tests can SIGKILL the store in the middle of a transfer.
// Usage: node --openssl-legacy-provider s3rver-process.mjs '{"port":0,"directory":"...","accessKey":"...","secretKey":"..."}'
// (s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its
// legacy provider.) Prints {"port":N} on stdout once listening.
//
// s3rver checks that the access key exists but does not verify version-4 signatures, so a wrong
// secret key would go unnoticed; the middleware below verifies them as S3 does (for requests
// signed in the Authorization header, which is all the AWS SDK sends), answering
// SignatureDoesNotMatch. The payload hash is taken from x-amz-content-sha256 as signed.
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');
const S3Error = require('s3rver/lib/models/error');

const options = JSON.parse(process.argv[2]);
const secrets = new Map([[options.accessKey, options.secretKey]]);
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(options.accessKey, options.secretKey);

const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function verifySignatureV4(ctx) {
  const auth = ctx.get('authorization');
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) return;
  const fields = {};
  for (const part of auth.slice('AWS4-HMAC-SHA256 '.length).split(/,\s*/)) {
    const eq = part.indexOf('=');
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  const [accessKey, date, region, service, terminator] = String(fields.Credential).split('/');
  const secret = secrets.get(accessKey);
  if (secret === undefined) return; // s3rver itself answers InvalidAccessKeyId
  const url = ctx.req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = (q < 0 ? '' : url.slice(q + 1))
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = eq < 0 ? pair : pair.slice(0, eq);
      const v = eq < 0 ? '' : pair.slice(eq + 1);
      return [rfc3986(decodeURIComponent(k)), rfc3986(decodeURIComponent(v))];
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const signedHeaders = String(fields.SignedHeaders);
  const headers = signedHeaders
    .split(';')
    .map(
      (h) =>
        `${h}:${String(ctx.req.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payload = ctx.get('x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  const canonical = [ctx.method, path, query, headers, signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${service}/${terminator}`;
  const toSign = ['AWS4-HMAC-SHA256', ctx.get('x-amz-date'), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  if (hmac(key, toSign).toString('hex') !== fields.Signature) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: accessKey },
    );
  }
}

const server = new S3rver({
  port: options.port,
  address: '127.0.0.1',
  silent: true,
  directory: options.directory,
});
server.middleware.unshift(async (ctx, next) => {
  verifySignatureV4(ctx);
  await next();
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
