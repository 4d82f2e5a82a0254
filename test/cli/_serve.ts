import { writeFileSync } from 'node:fs';
import { startTestManager } from '../helpers/manager.js';
import { startS3Server } from '../helpers/s3server.js';

const m = await startTestManager();
const s3 = await startS3Server();
await s3.createBucket('ckpt');
writeFileSync('/tmp/clitry/env.json', JSON.stringify({ url: m.url, sync: s3.syncConfig('ckpt/demo') }));
console.log(m.url);
process.on('SIGTERM', async () => {
  await m.close();
  await s3.stop();
  process.exit(0);
});
setInterval(() => {}, 1000);
