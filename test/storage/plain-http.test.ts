/**
 * The plain-HTTP body reader (src/storage/plain-http.ts) against real sockets: a loopback TCP
 * server that answers with exactly the bytes each test scripts, so that the cases a real store
 * produces only rarely (a head split across reads, a body cut short, a connection closed while
 * idle, a chunked or error answer, too many bytes) can be forced. Its use through the S3 client
 * against a real S3 server is in s3-client.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import { type BodySource, PlainHttpGetter } from '../../src/storage/plain-http.js';

/** Answers each request on a connection with `answer(requestIndex, socket)`. */
async function scriptedServer(
  t: TestContext,
  answer: (index: number, socket: Socket, request: string) => void,
): Promise<{ port: number; connections: () => number; server: Server }> {
  let index = 0;
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const request = pending.slice(0, end);
        pending = pending.slice(end + 4);
        answer(index++, socket, request);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  return { port, connections: () => connections, server };
}

function getter(t: TestContext, port: number): PlainHttpGetter {
  const g = new PlainHttpGetter({
    host: '127.0.0.1',
    port,
    maxIdle: 4,
    connectTimeoutMs: 2_000,
    idleTimeoutMs: 2_000,
  });
  t.after(() => g.destroy());
  return g;
}

const head = (length: number, extra = '') =>
  Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\n${extra}\r\n`, 'latin1');

/** Reads a body whole, copying each chunk (its buffer is reused after the call). */
async function collect(body: BodySource, sink?: (chunk: Uint8Array) => Promise<void> | undefined) {
  const chunks: Buffer[] = [];
  await body.pipeTo((chunk) => {
    chunks.push(Buffer.from(chunk));
    return sink?.(chunk);
  });
  return Buffer.concat(chunks);
}

test('a body sent in pieces, its head split across reads, arrives whole and in order; the connection is reused', async (t) => {
  const data = randomBytes(3 * 1024 * 1024 + 5);
  const { port, connections } = await scriptedServer(t, (_, socket) => {
    const bytes = Buffer.concat([head(data.length, 'ETag: "x"\r\n'), data]);
    // The head in two writes a few milliseconds apart, then the body in uneven pieces.
    socket.write(bytes.subarray(0, 10));
    setTimeout(() => {
      for (let at = 10; at < bytes.length; at += 100_003) socket.write(bytes.subarray(at, at + 100_003));
    }, 5);
  });
  const g = getter(t, port);
  for (let i = 0; i < 3; i++) {
    const response = await g.get('/blob', { Host: 'localhost' });
    assert.ok(response);
    assert.equal(response.status, 200);
    assert.equal(response.headers.etag, '"x"');
    assert.deepEqual(await collect(response.body), data);
  }
  assert.equal(connections(), 1, 'one keep-alive connection for all three');
});

test('a sink that returns a promise holds back the next chunk until it settles', async (t) => {
  const data = randomBytes(2 * 1024 * 1024);
  const { port } = await scriptedServer(t, (_, socket) =>
    socket.write(Buffer.concat([head(data.length), data])),
  );
  const response = await getter(t, port).get('/blob', { Host: 'localhost' });
  assert.ok(response);
  let busy = false;
  let waits = 0;
  const got = await collect(response.body, () => {
    assert.equal(busy, false, 'a chunk arrived while the previous one was still being handled');
    if (waits >= 5) return undefined;
    waits++;
    busy = true;
    return new Promise((resolve) =>
      setTimeout(() => {
        busy = false;
        resolve();
      }, 2),
    );
  });
  assert.deepEqual(got, data);
  assert.equal(waits, 5);
});

test('an error status, a chunked body or an unsized one is not read here: null, and the connection is closed', async (t) => {
  const answers = [
    'HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope!',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  ];
  const { port, connections } = await scriptedServer(t, (index, socket) => socket.write(answers[index]!));
  const g = getter(t, port);
  for (let i = 0; i < answers.length; i++) assert.equal(await g.get('/x', { Host: 'localhost' }), null);
  assert.equal(connections(), answers.length, 'no connection is reused after such an answer');
});

test('a body cut short, or longer than its Content-Length, fails as a dropped connection', async (t) => {
  const { port } = await scriptedServer(t, (index, socket) => {
    if (index === 0) socket.end(Buffer.concat([head(1000), randomBytes(400)]));
    else socket.write(Buffer.concat([head(10), randomBytes(20)]));
  });
  const g = getter(t, port);
  const short = await g.get('/x', { Host: 'localhost' });
  assert.ok(short);
  await assert.rejects(collect(short.body), { code: 'ECONNRESET' });
  const long = await g.get('/x', { Host: 'localhost' });
  // The surplus may arrive with the head, where it is refused at once, or after it.
  if (long !== null) await assert.rejects(collect(long.body), { code: 'ECONNRESET' });
});

test('a kept connection the server closed while idle is replaced without an error', async (t) => {
  const data = randomBytes(1000);
  const { port, connections } = await scriptedServer(t, (_, socket) => {
    // Answers, then closes the connection a moment later, as a store's keep-alive timeout does.
    socket.write(Buffer.concat([head(data.length), data]));
    setTimeout(() => socket.destroy(), 20);
  });
  const g = getter(t, port);
  for (let i = 0; i < 3; i++) {
    const response = await g.get('/x', { Host: 'localhost' });
    assert.ok(response);
    assert.deepEqual(await collect(response.body), data);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  assert.equal(connections(), 3);
});

test('a reused connection closed as the request arrives is retried once on a fresh one; a fresh one is not', async (t) => {
  const data = randomBytes(1000);
  const served = new WeakMap<Socket, number>();
  let dropFresh = false;
  const { port, connections } = await scriptedServer(t, (_, socket) => {
    const count = served.get(socket) ?? 0;
    served.set(socket, count + 1);
    // The second request on a connection meets a store that just closed it.
    if (count >= 1 || dropFresh) socket.destroy();
    else socket.write(Buffer.concat([head(data.length), data]));
  });
  const g = getter(t, port);
  for (let i = 0; i < 2; i++) {
    const response = await g.get('/x', { Host: 'localhost' });
    assert.ok(response);
    assert.deepEqual(await collect(response.body), data);
  }
  assert.equal(connections(), 2, 'the second request was sent again on a new connection');
  dropFresh = true;
  g.destroy();
  await assert.rejects(getter(t, port).get('/x', { Host: 'localhost' }), { code: 'ECONNRESET' });
});

test('a refused connection and a silent server fail with the errors the retry policy knows', async (t) => {
  const { port, server } = await scriptedServer(t, () => undefined);
  const silent = getter(t, port);
  const timeout = new PlainHttpGetter({
    host: '127.0.0.1',
    port,
    maxIdle: 1,
    connectTimeoutMs: 2_000,
    idleTimeoutMs: 200,
  });
  t.after(() => timeout.destroy());
  await assert.rejects(timeout.get('/x', { Host: 'localhost' }), { name: 'TimeoutError' });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await assert.rejects(silent.get('/x', { Host: 'localhost' }), { code: 'ECONNREFUSED' });
});

test('body bytes that arrive with the head are held in a spare buffer that later answers reuse', async (t) => {
  const bodies = [randomBytes(40_000), randomBytes(50_000), randomBytes(30_000)];
  // The head and the start of the body in one write, the rest later: the first read holds the
  // head and the early bytes, the next ones go through the shared read buffer.
  const { port } = await scriptedServer(t, (index, socket) => {
    const body = bodies[index]!;
    socket.write(Buffer.concat([head(body.length), body.subarray(0, 10_000)]));
    setTimeout(() => socket.write(body.subarray(10_000)), 5);
  });
  const g = getter(t, port);
  const firstChunkBuffers = new Set<ArrayBufferLike>();
  const laterChunkBuffers = new Set<ArrayBufferLike>();
  for (const body of bodies) {
    const response = await g.get('/blob', { Host: 'localhost' });
    assert.ok(response);
    // Let the body's first bytes arrive before it has a sink, as when its file is being opened.
    await new Promise((resolve) => setTimeout(resolve, 20));
    let first = true;
    const received = await collect(response.body, (chunk) => {
      (first ? firstChunkBuffers : laterChunkBuffers).add(chunk.buffer);
      first = false;
      return undefined;
    });
    assert.ok(received.equals(body));
  }
  assert.equal(firstChunkBuffers.size, 1, 'the early bytes of every answer were held in the same buffer');
  assert.ok(laterChunkBuffers.size > 0, 'the rest of each body came in later reads');
  for (const buffer of firstChunkBuffers)
    assert.ok(!laterChunkBuffers.has(buffer), 'the early bytes were copied out of the shared read buffer');
});
