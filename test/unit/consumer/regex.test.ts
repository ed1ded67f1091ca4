/**
 * Subscription regexes against the oracle: `test/fixtures/consumer/JavaRegex.java` ran each
 * pattern through `java.util.regex.Pattern` (Java 17) and recorded whether it compiles, Java's
 * error description when not, and which topic names it fully matches.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTopicRegex } from '../../../src/simulator/consumer/regex';

interface Fixture {
  readonly topics: readonly string[];
  readonly cases: readonly (
    | { readonly pattern: string; readonly valid: true; readonly matches: readonly string[] }
    | { readonly pattern: string; readonly valid: false; readonly description: string }
  )[];
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../../../test/fixtures/consumer/regex.golden.json'), 'utf8'),
) as Fixture;

/** Java accepts these; the simulator says plainly that it does not support them. */
const UNSUPPORTED = new Set(['(?>(a)b)\\1', '[a-c&&b]', '\\p{L}+', '(?x) a b', 'a(?i)b', '[\\w&&[^_]]+']);

describe('subscription regexes (oracle: java.util.regex on Java 17)', () => {
  it(`accepts, rejects and matches like Java (${fixture.cases.length} patterns × ${fixture.topics.length} topics)`, () => {
    assert.ok(fixture.cases.length >= 80);
    for (const c of fixture.cases) {
      const r = compileTopicRegex(c.pattern);
      if (UNSUPPORTED.has(c.pattern)) {
        assert.ok(!r.ok && /not supported by the simulator/.test(r.description), c.pattern);
        continue;
      }
      if (c.valid) {
        assert.ok(r.ok, `${c.pattern} should compile: ${r.ok ? '' : r.description}`);
        assert.deepEqual(
          fixture.topics.filter((t) => r.matches(t)),
          c.matches,
          c.pattern,
        );
      } else {
        assert.ok(!r.ok, `${c.pattern} should be rejected (${c.description})`);
        assert.equal(r.description, c.description, c.pattern);
      }
    }
  });

  it('possessive quantifiers and atomic groups never give back what they matched', () => {
    const possessive = compileTopicRegex('orders.*+-eu');
    assert.ok(possessive.ok);
    assert.equal(possessive.matches('orders-eu'), false);
    const greedy = compileTopicRegex('orders.*-eu');
    assert.ok(greedy.ok);
    assert.equal(greedy.matches('orders-eu'), true);
  });
});
