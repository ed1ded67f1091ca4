import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The extension must not pay for kafkajs until a cluster is used. */
describe('src/kafka loading', () => {
  it('importing the kafka module does not load kafkajs; opening a cluster does', () => {
    const entry = join(__dirname, '../../../src/kafka/index.js');
    const script = `
      const k = require(${JSON.stringify(entry)});
      const loaded = () => Object.keys(require.cache).some((p) => p.includes('/node_modules/kafkajs/'));
      const before = loaded();
      const c = k.openCluster({ bootstrapServers: ['127.0.0.1:1'], tls: null, sasl: null, clientId: 't', timeoutMs: 1000 }, { password: null });
      const after = loaded();
      void c.close();
      process.stdout.write(JSON.stringify({ before, after }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { before: false, after: true });
  });
});
