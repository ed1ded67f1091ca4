/**
 * Subscription regular expressions the way the broker treats them: validated with
 * `java.util.regex.Pattern.compile` (an invalid one is INVALID_REGULAR_EXPRESSION, with Java's
 * `getDescription()` as the reason) and resolved with `matcher(topic).matches()`, a full match.
 *
 * The Java pattern is translated to a JavaScript RegExp. Checked against Java 17 on the cases in
 * `test/fixtures/consumer/regex.golden.json` (same acceptance, same error descriptions, same
 * matches):
 *
 * | Java                                   | here                                                     |
 * |----------------------------------------|----------------------------------------------------------|
 * | full match (`matches()`)               | the pattern is wrapped in `^(?:…)$`                      |
 * | `\Q…\E` quoting                        | escaped literals (a quantifier applies to the last one)  |
 * | `\A`, `\z`, `\Z`, `\R`, `\h`, `\e`, `\a`   | JavaScript equivalents                                   |
 * | possessive `*+ ++ ?+ {n,m}+`, `(?>…)`  | `(?=(?<n>…))\k<n>`: matched once, never given back       |
 * | `{n}` after nothing                    | repeats the empty string, as Java does                   |
 * | leading flags `(?i)`, `(?s)`, `(?m)`   | RegExp flags `i`, `s`, `m`                               |
 * | POSIX classes `\p{Alpha}`, `\p{Lower}`… | the equivalent ASCII classes                             |
 * | unknown letter escapes, stray `{`, `)`, | rejected with Java's description                         |
 * | dangling quantifiers, unclosed groups  |                                                          |
 * | inline flags after the start, `(?x)`,  | rejected as unsupported by the simulator (Java accepts   |
 * | Unicode classes such as `\p{L}`, class | them); the message says so                               |
 * | intersections, `\G`, `\X`, `\N`, `\v`, |                                                          |
 * | `\V`, `\H`, numbered back-references   |                                                          |
 * | inside patterns with atomic parts      |                                                          |
 */
export type CompiledTopicRegex =
  | { readonly ok: true; readonly source: string; matches(topic: string): boolean }
  | { readonly ok: false; readonly source: string; readonly description: string };

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Escapes that mean the same in Java and JavaScript. */
const SAME_ESCAPES = new Set([
  't',
  'n',
  'r',
  'f',
  'd',
  'D',
  's',
  'S',
  'w',
  'W',
  'b',
  'B',
  'x',
  'u',
  'c',
  '0',
]);

class RegexSyntaxError extends Error {}

function escapeLiteral(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates a Java pattern to a JavaScript source and flags, or throws RegexSyntaxError. */
function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([imsux]+)\)/.exec(pattern);
  if (lead !== null) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 's' || f === 'm') flags += flags.includes(f) ? '' : f;
      else if (f === 'x')
        throw new RegexSyntaxError('the comments flag (?x) is not supported by the simulator');
      // 'u' (Unicode case folding) changes nothing for ASCII topic names.
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = 0;
  /** Where the last atom (the thing a quantifier applies to) starts in `out`, or -1. */
  let atomStart = -1;
  /** Open groups: where each starts in `out`, and whether it is atomic. */
  const groups: { start: number; atomic: boolean }[] = [];
  let synthetic = 0;
  let backReferences = false;
  // Java's atomic group (?>X) and possessive X*+ never give back what they matched; JavaScript
  // has neither, but (?=(X))\k<n> behaves the same: the lookahead matches X once, greedily, and
  // the back-reference consumes exactly that.
  const atomic = (start: number, body: string): void => {
    const name = `__atomic${synthetic++}`;
    out = `${out.slice(0, start)}(?=(?<${name}>${body}))\\k<${name}>`;
  };
  const atom = (text: string): void => {
    atomStart = out.length;
    out += text;
  };
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new RegexSyntaxError('Unexpected internal error');
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        // A quantifier after \Q...\E applies to its last character, as in Java.
        for (const c of literal) {
          if (inClass > 0) out += escapeLiteral(c);
          else atom(escapeLiteral(c));
        }
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (next === 'E') {
        i += 2; // a stray \E is ignored by Java
        continue;
      }
      if (inClass === 0 && (next === 'A' || next === 'z' || next === 'Z')) {
        out += next === 'A' ? '^' : next === 'z' ? '$' : '(?=\\n?$)';
        atomStart = -1;
        i += 2;
        continue;
      }
      if (next === 'h') {
        const h = ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
        if (inClass > 0) out += h;
        else atom(`[${h}]`);
        i += 2;
        continue;
      }
      if (next === 'p' || next === 'P') {
        const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(pattern.slice(i + 2));
        const name = m?.[1];
        const cls = name === undefined ? undefined : POSIX[name];
        if (m === null || cls === undefined) {
          throw new RegexSyntaxError(
            `the property class \\${next}${m?.[0] ?? ''} is not supported by the simulator (only POSIX classes such as \\p{Alpha})`,
          );
        }
        if (inClass > 0) {
          if (next === 'P') {
            throw new RegexSyntaxError(
              'a negated property class inside [...] is not supported by the simulator',
            );
          }
          out += cls;
        } else {
          atom(next === 'p' ? `[${cls}]` : `[^${cls}]`);
        }
        i += 2 + m[0].length;
        continue;
      }
      if (/[0-9]/.test(next)) {
        if (inClass === 0 && next !== '0') backReferences = true;
        if (inClass > 0) out += `\\${next}`;
        else atom(`\\${next}`);
        i += 2;
        continue;
      }
      if (/[a-zA-Z]/.test(next)) {
        if (next === 'k' && pattern[i + 2] === '<') {
          const end = pattern.indexOf('>', i + 3);
          if (end < 0) throw new RegexSyntaxError("named capturing group is missing trailing '>'");
          atom(pattern.slice(i, end + 1));
          i = end + 1;
          continue;
        }
        let text: string;
        if (next === 'e' || next === 'a') text = next === 'e' ? '\\x1B' : '\\x07';
        else if (SAME_ESCAPES.has(next)) text = `\\${next}`;
        else if (next === 'R') text = '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])';
        else if ('GXNvVH'.includes(next)) {
          throw new RegexSyntaxError(`the escape \\${next} is not supported by the simulator`);
        } else throw new RegexSyntaxError('Illegal/unsupported escape sequence');
        if (inClass > 0) out += text;
        else if (next === 'b' || next === 'B') {
          out += text;
          atomStart = -1;
        } else atom(text);
        i += 2;
        continue;
      }
      // Any other escaped character stands for itself in Java.
      if (inClass > 0) out += escapeLiteral(next);
      else atom(escapeLiteral(next));
      i += 2;
      continue;
    }
    if (inClass > 0) {
      if (ch === '[') {
        if (pattern[i - 1] === '&' && pattern[i - 2] === '&') {
          throw new RegexSyntaxError('class intersections ([a-z&&[^e]]) are not supported by the simulator');
        }
        inClass++;
        out += '\\[';
      } else if (ch === ']') {
        inClass--;
        out += ']';
      } else if (ch === '-' && i + 1 === pattern.length && pattern[i - 1] !== '[') {
        throw new RegexSyntaxError('Illegal character range');
      } else if (ch === '&' && pattern[i + 1] === '&') {
        throw new RegexSyntaxError('class intersections ([a-z&&[^e]]) are not supported by the simulator');
      } else {
        out += ch === '/' ? '\\/' : ch;
      }
      i++;
      continue;
    }
    switch (ch) {
      case '[': {
        inClass = 1;
        atomStart = out.length;
        out += '[';
        i++;
        // A leading ']' (after an optional '^') is a literal in Java.
        if (pattern[i] === '^') {
          out += '^';
          i++;
        }
        if (pattern[i] === ']') {
          out += '\\]';
          i++;
        }
        continue;
      }
      case '(': {
        const start = out.length;
        const special = /^\(\?(?::|=|!|<=|<!|<[a-zA-Z][a-zA-Z0-9]*>)/.exec(pattern.slice(i));
        if (pattern.startsWith('(?>', i)) {
          groups.push({ start, atomic: true });
          out += '(?:';
          i += 3;
        } else if (special !== null) {
          groups.push({ start, atomic: false });
          out += special[0];
          i += special[0].length;
        } else if (pattern.startsWith('(?<', i)) {
          throw new RegexSyntaxError("named capturing group is missing trailing '>'");
        } else if (/^\(\?[imsux-]+[):]/.test(pattern.slice(i))) {
          throw new RegexSyntaxError(
            `inline flags after the start of the pattern are not supported by the simulator (index ${i})`,
          );
        } else {
          groups.push({ start, atomic: false });
          out += '(';
          i++;
        }
        atomStart = -1;
        continue;
      }
      case ')': {
        const group = groups.pop();
        if (group === undefined) throw new RegexSyntaxError("Unmatched closing ')'");
        if (group.atomic) atomic(group.start, out.slice(group.start + 3));
        else out += ')';
        atomStart = group.start;
        i++;
        continue;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        let quantifier: string;
        if (ch === '{') {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
          if (m === null) throw new RegexSyntaxError('Illegal repetition');
          if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) {
            throw new RegexSyntaxError('Illegal repetition range');
          }
          // Java lets a counted repetition follow nothing: it repeats the empty string.
          if (atomStart < 0) atom('(?:)');
          quantifier = m[0];
        } else {
          if (atomStart < 0) throw new RegexSyntaxError(`Dangling meta character '${ch}'`);
          quantifier = ch;
        }
        i += quantifier.length;
        if (pattern[i] === '?') {
          out += `${quantifier}?`;
          i++;
        } else if (pattern[i] === '+') {
          atomic(atomStart, `${out.slice(atomStart)}${quantifier}`);
          i++;
        } else {
          out += quantifier;
        }
        atomStart = -1;
        continue;
      }
      case '|':
      case '^':
      case '$':
        out += ch;
        atomStart = -1;
        i++;
        continue;
      default:
        atom(ch === '/' ? '\\/' : ch);
        i++;
    }
  }
  if (inClass > 0) throw new RegexSyntaxError('Unclosed character class');
  if (groups.length > 0) throw new RegexSyntaxError('Unclosed group');
  if (synthetic > 0 && backReferences) {
    throw new RegexSyntaxError(
      'possessive quantifiers or atomic groups together with numbered back-references are not supported by the simulator',
    );
  }
  return { source: out, flags };
}

const cache = new Map<string, CompiledTopicRegex>();

/** Compiles a subscription regex with Java's syntax and full-match semantics (memoised). */
export function compileTopicRegex(pattern: string): CompiledTopicRegex {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let result: CompiledTopicRegex;
  try {
    const { source, flags } = translate(pattern);
    const re = new RegExp(`^(?:${source})$`, flags);
    result = { ok: true, source: pattern, matches: (topic: string) => re.test(topic) };
  } catch (e: unknown) {
    const description =
      e instanceof RegexSyntaxError
        ? e.message
        : e instanceof SyntaxError
          ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')
          : String(e);
    result = { ok: false, source: pattern, description };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, result);
  return result;
}
