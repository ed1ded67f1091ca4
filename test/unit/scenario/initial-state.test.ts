import { strict as assert } from 'node:assert';
import { ScenarioError, parseScenario } from '../../../src/simulator/scenario/parse';

/** A consumer-protocol group of two members on orders (4 partitions), seeded at epoch 5. */
function seeded(initialState: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'seeded',
    topics: [{ name: 'orders', partitions: 4 }],
    groups: [
      {
        id: 'app',
        subscription: ['orders'],
        members: [
          { name: 'c-{i}', count: 2 },
          { name: 'late', startAt: '10s' },
        ],
        initialState,
        ...extra,
      },
    ],
  };
}

const consumerState = {
  protocol: 'consumer',
  groupEpoch: 5,
  assignmentEpoch: 5,
  members: [
    { member: 'c-1', memberId: 'id-1', memberEpoch: 5, assigned: { orders: [0, 1] } },
    {
      member: 'c-2',
      memberId: 'id-2',
      memberEpoch: 4,
      assigned: { orders: [2] },
      pendingRevocation: { orders: [3] },
      target: { orders: [2, 3] },
    },
  ],
};

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, { source: 'test.json' });
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected ScenarioError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the scenario to be rejected');
}

function withMember(i: number, patch: Record<string, unknown>): Record<string, unknown> {
  return {
    ...consumerState,
    members: consumerState.members.map((m, j) => (j === i ? { ...m, ...patch } : m)),
  };
}

describe('scenario initialState', () => {
  it('reads a consumer-protocol state: epochs, member ids, assigned, pending and target partitions', () => {
    const st = parseScenario(seeded(consumerState)).groups[0].initialState;
    assert.ok(st !== undefined && st.protocol === 'consumer');
    assert.equal(st.groupEpoch, 5);
    assert.equal(st.assignmentEpoch, 5);
    assert.deepEqual(
      st.members.map((m) => [m.member, m.memberId, m.memberEpoch, m.assigned, m.pendingRevocation, m.target]),
      [
        ['c-1', 'id-1', 5, { orders: [0, 1] }, {}, { orders: [0, 1] }],
        ['c-2', 'id-2', 4, { orders: [2] }, { orders: [3] }, { orders: [2, 3] }],
      ],
    );
  });

  it('reads a classic state: generation, protocol (Java class names too) and leader', () => {
    const st = parseScenario(
      seeded(
        {
          protocol: 'classic',
          generation: 3,
          protocolName: 'org.apache.kafka.clients.consumer.RangeAssignor',
          leader: 'c-2',
          members: [
            { member: 'c-1', memberId: 'c-1-uuid', assigned: { orders: [0, 1] } },
            { member: 'c-2', memberId: 'c-2-uuid', assigned: { orders: [2, 3] } },
          ],
        },
        { config: { 'group.protocol': 'classic' } },
      ),
    ).groups[0].initialState;
    assert.ok(st !== undefined && st.protocol === 'classic');
    assert.deepEqual([st.generation, st.protocolName, st.leader], [3, 'range', 'c-2']);
    assert.deepEqual(st.members[1].assigned, { orders: [2, 3] });
  });

  it('a scenario without initialState has none (nothing changes for existing scenarios)', () => {
    const g = parseScenario(seeded(undefined)).groups[0];
    assert.equal(g.initialState, undefined);
    assert.equal('initialState' in g, false);
  });

  it('refuses partitions out of range, unknown topics and a partition listed twice', () => {
    const p = problems(seeded(withMember(0, { assigned: { orders: [0, 4, 0], audit: [0] } })));
    assert.ok(
      p.includes(
        'groups[0].initialState.members[0].assigned.orders[1]: partition 4 does not exist: "orders" has 4 partitions (0 to 3)',
      ),
      p.join('\n'),
    );
    assert.ok(
      p.includes('groups[0].initialState.members[0].assigned.orders[2]: partition 0 is listed twice'),
      p.join('\n'),
    );
    assert.ok(
      p.includes('groups[0].initialState.members[0].assigned.audit: no topic is named "audit" in "topics"'),
      p.join('\n'),
    );
  });

  it('refuses two owners of one partition, in the held partitions and in the targets', () => {
    const p = problems(seeded(withMember(1, { assigned: { orders: [1, 2] }, target: { orders: [0] } })));
    assert.ok(
      p.includes(
        'groups[0].initialState.members[1].assigned: orders-1 is also held by "c-1": a partition has one owner',
      ),
      p.join('\n'),
    );
    assert.ok(
      p.includes(
        'groups[0].initialState.members[1].target: orders-0 is also in the target of "c-1": a target has one owner',
      ),
      p.join('\n'),
    );
    const own = problems(seeded(withMember(1, { pendingRevocation: { orders: [2] } })));
    assert.ok(
      own.includes(
        'groups[0].initialState.members[1].pendingRevocation: orders-2 is both assigned and pending revocation',
      ),
      own.join('\n'),
    );
  });

  it('refuses members that are not in the group, listed twice, starting later, or sharing an id', () => {
    const p = problems(
      seeded({
        ...consumerState,
        members: [
          { member: 'c-3', memberId: 'x', memberEpoch: 5 },
          { member: 'c-1', memberId: 'id-1', memberEpoch: 5 },
          { member: 'c-1', memberId: 'id-9', memberEpoch: 5 },
          { member: 'late', memberId: 'id-1', memberEpoch: 5 },
        ],
      }),
    );
    const text = p.join('\n');
    assert.match(
      text,
      /members\[0\]\.member: group "app" has no member named "c-3" \(did you mean "c-1"\?\)/,
    );
    assert.match(text, /members\[2\]\.member: "c-1" is listed twice/);
    assert.match(
      text,
      /members\[3\]\.member: "late" starts at 10000 ms, but a member of the initial state runs from the start/,
    );
    assert.match(text, /members\[3\]\.memberId: "id-1" is also the id of "c-1"/);
  });

  it('refuses epochs out of order and fields of the other protocol', () => {
    const p = problems(
      seeded({ ...withMember(0, { memberEpoch: 6, leader: 'c-1' }), assignmentEpoch: 7, groupEpoch: 6 }),
    );
    const text = p.join('\n');
    assert.match(text, /initialState\.assignmentEpoch: must not be above the group epoch \(6\)/);
    assert.match(text, /members\[0\]\.leader: unknown field/);
    const q = problems(seeded(withMember(0, { memberEpoch: 6 }))).join('\n');
    assert.match(q, /members\[0\]\.memberEpoch: must not be above the assignment epoch \(5\)/);
    assert.match(
      problems(seeded({ ...consumerState, protocol: 'kip848' })).join('\n'),
      /initialState\.protocol: must be one of "consumer", "classic"/,
    );
  });

  it('refuses a classic state whose leader is not in it, or whose assignor a member does not offer', () => {
    const p = problems(
      seeded(
        {
          protocol: 'classic',
          generation: 2,
          protocolName: 'roundrobin',
          leader: 'late',
          members: [{ member: 'c-1', memberId: 'a', assigned: {} }],
        },
        { config: { 'group.protocol': 'classic', 'partition.assignment.strategy': ['range'] } },
      ),
    ).join('\n');
    assert.match(p, /initialState\.leader: "late" is not one of the members of the initial state/);
    assert.match(
      p,
      /members\[0\]\.member: "c-1" does not list roundrobin in partition\.assignment\.strategy/,
    );
  });

  it('refuses a member whose explicit group.protocol contradicts the state', () => {
    const p = problems(seeded(consumerState, { config: { 'group.protocol': 'classic' } })).join('\n');
    assert.match(p, /"c-1" sets group\.protocol=classic, but the initial state is a consumer-protocol group/);
  });
});
