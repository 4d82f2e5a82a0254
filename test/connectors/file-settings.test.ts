import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkPath,
  FileConfigError,
  readFileInputConfig,
  readFileOutputConfig,
} from '../../src/connectors/file/settings.js';

function refused(run: () => unknown, message: RegExp): void {
  assert.throws(run, (err: unknown) => err instanceof FileConfigError && message.test(err.message));
}

describe('file connector settings', () => {
  test('paths must be absolute and normalized', () => {
    assert.equal(checkPath('/tmp/out.json'), '/tmp/out.json');
    refused(() => checkPath('out.json'), /is relative; give an absolute path/);
    refused(() => checkPath('./out.json'), /is relative/);
    refused(() => checkPath('/tmp/../etc/passwd'), /contains a '\.' or '\.\.' segment/);
    refused(() => checkPath('/tmp/./x'), /contains a '\.' or '\.\.' segment/);
    refused(() => checkPath('/tmp//x'), /empty segment/);
    refused(() => checkPath('/tmp/dir/'), /names a directory/);
    refused(() => checkPath('/tmp/a\0b'), /NUL character/);
    refused(() => checkPath(''), /non-empty string/);
    refused(() => checkPath(42), /non-empty string/);
    refused(() => checkPath(`/${'x'.repeat(5000)}`), /longer than 4096/);
  });

  test('file_output: json (insert_delete, array, buffer_size_records) and csv; the rest by name', () => {
    assert.deepEqual(readFileOutputConfig({ path: '/o' }, { name: 'json' }), {
      path: '/o',
      format: { name: 'json', array: false, bufferSizeRecords: 10_000 },
    });
    assert.deepEqual(
      readFileOutputConfig({ path: '/o' }, { name: 'json', config: { array: true, buffer_size_records: 5 } })
        .format,
      { name: 'json', array: true, bufferSizeRecords: 5 },
    );
    assert.deepEqual(readFileOutputConfig({ path: '/o' }, { name: 'csv' }).format, {
      name: 'csv',
      bufferSizeRecords: 10_000,
    });
    refused(() => readFileOutputConfig({ path: '/o' }, undefined), /needs a 'format'/);
    refused(
      () => readFileOutputConfig({ path: '/o' }, { name: 'parquet' }),
      /format 'parquet' is not supported/,
    );
    refused(
      () => readFileOutputConfig({ path: '/o' }, { name: 'json', config: { update_format: 'debezium' } }),
      /update_format "debezium" is not supported/,
    );
    refused(
      () => readFileOutputConfig({ path: '/o' }, { name: 'csv', config: { delimiter: ';' } }),
      /unknown key 'delimiter'/,
    );
    refused(() => readFileOutputConfig({ path: '/o', mode: 1 }, { name: 'csv' }), /unknown key 'mode'/);
    refused(() => readFileOutputConfig(null, { name: 'csv' }), /must be an object/);
    refused(
      () => readFileOutputConfig({ path: '/o' }, { name: 'json', config: { buffer_size_records: 0 } }),
      /buffer_size_records must be a positive integer/,
    );
  });

  test('file_input: json update formats and array, csv; follow is refused', () => {
    assert.deepEqual(readFileInputConfig({ path: '/i' }, { name: 'csv' }), {
      path: '/i',
      format: { name: 'csv', updateFormat: 'insert_delete', array: false },
    });
    assert.deepEqual(
      readFileInputConfig(
        { path: '/i', buffer_size_bytes: 10 },
        { name: 'json', config: { update_format: 'raw', array: true } },
      ).format,
      { name: 'json', updateFormat: 'raw', array: true },
    );
    refused(
      () => readFileInputConfig({ path: '/i', follow: true }, { name: 'csv' }),
      /'follow' .* is not supported/,
    );
    refused(
      () => readFileInputConfig({ path: '/i' }, { name: 'json', config: { update_format: 'snowflake' } }),
      /update_format "snowflake" is not supported by Sluice's file_input/,
    );
    refused(() => readFileInputConfig({ path: 'rel' }, { name: 'csv' }), /is relative/);
  });
});
