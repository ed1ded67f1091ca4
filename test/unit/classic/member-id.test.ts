/** Classic member ids: `clientId + "-" + java.util.UUID.randomUUID()`, drawn from the seeded Random. */
import { strict as assert } from 'node:assert';
import { javaRandomUuid, newClassicMemberId } from '../../../src/simulator/classic/member-id';
import { Random } from '../../../src/simulator/random';

describe('classic member ids', () => {
  it('print a version-4 java.util.UUID after the client or instance id', () => {
    const r = new Random(1);
    const uuid = javaRandomUuid(r);
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(newClassicMemberId(r, 'consumer-g-1', null), /^consumer-g-1-[0-9a-f-]{36}$/);
    assert.match(newClassicMemberId(r, 'consumer-g-1', 'instance-3'), /^instance-3-[0-9a-f-]{36}$/);
    assert.equal(javaRandomUuid(new Random(1)), uuid, 'same seed, same id');
  });
});
