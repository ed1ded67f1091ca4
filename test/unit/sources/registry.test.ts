import { strict as assert } from 'node:assert';
import { FileSource } from '../../../src/sources/file-source';
import { SourceRegistry, type RegistryChange } from '../../../src/sources/registry';
import { buildSnapshotFile } from '../../../src/sources/snapshot-file';

describe('SourceRegistry', () => {
  it('adds, replaces and removes sources, disposing what it drops and reporting changes', () => {
    const reg = new SourceRegistry();
    const seen: RegistryChange[] = [];
    reg.onDidChange((c) => seen.push(c));
    const file = buildSnapshotFile([], 'test', new Date(0));
    const a = new FileSource('a.json', file);
    let disposed = 0;
    const origDispose = a.dispose.bind(a);
    a.dispose = () => {
      disposed++;
      origDispose();
    };
    reg.add(a);
    assert.deepEqual(
      reg.all().map((s) => s.id),
      ['file/a.json'],
    );
    reg.add(new FileSource('a.json', file));
    assert.equal(disposed, 1, 'a replaced source is disposed');
    assert.equal(reg.all().length, 1);
    reg.remove('file/a.json');
    assert.equal(reg.all().length, 0);
    assert.equal(seen.filter((c) => c.sourcesChanged).length, 3);
  });
});
