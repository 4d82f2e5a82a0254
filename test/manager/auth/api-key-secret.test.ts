import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from '../../../src/manager/auth/api-key-secret.js';

test('an API key is apikey: followed by 128 base62 characters', () => {
  const key = generateApiKey();
  assert.ok(key.startsWith(API_KEY_PREFIX));
  assert.match(key, /^apikey:[A-Za-z0-9]{128}$/);
});

test('API keys are distinct and draw on the whole base62 alphabet', () => {
  const keys = Array.from({ length: 200 }, generateApiKey);
  assert.equal(new Set(keys).size, keys.length);
  const seen = new Set(keys.join('').slice(API_KEY_PREFIX.length));
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') assert.ok(seen.has(c), c);
});

test('the stored hash is the hex SHA-256 of the whole key and never the key', () => {
  const key = generateApiKey();
  const hash = hashApiKey(key);
  assert.equal(hash, createHash('sha256').update(key).digest('hex'));
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(hashApiKey(key), hash);
  assert.notEqual(hashApiKey(generateApiKey()), hash);
});
