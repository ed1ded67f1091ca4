/**
 * Subscription regular expressions the way the broker treats them: validated with
 * `java.util.regex.Pattern.compile` (an invalid one is INVALID_REGULAR_EXPRESSION) and resolved
 * with `matcher(topic).matches()`, a full match over the topic name.
 *
 * JavaScript's RegExp is close to Java's for what topic patterns use. This module translates the
 * Java-only syntax a pattern may carry and rejects what Java rejects but JavaScript would accept:
 *
 * | Java                                   | here                                                   |
 * |----------------------------------------|--------------------------------------------------------|
 * | full match (`matches()`)               | the pattern is wrapped in `^(?:…)$`                    |
 * | `\Q…\E` quoting                        | translated to escaped literals                         |
 * | `\A`, `\z`, `\Z`                       | `^`, `$`, `(?=\n?$)`                                    |
 * | possessive `*+ ++ ?+ {n,m}+`           | greedy (same result for full matches of topic names,   |
 * |                                        | which Kafka limits to `[a-zA-Z0-9._-]`)                |
 * | atomic group `(?>…)`                   | non-capturing group (same caveat)                      |
 * | leading flags `(?i)`, `(?s)`, `(?m)`   | RegExp flags `i`, `s`, `m`                             |
 * | `\h`, POSIX `\p{Alpha}` … classes      | equivalent ASCII classes                               |
 * | escape of an unknown letter (`\y`)     | rejected, like Java ("Illegal/unsupported escape")     |
 * | `{` that is not a quantifier           | rejected, like Java ("Illegal repetition")             |
 * | flags in the middle, `\p{L}`-style     | rejected as unsupported by the simulator (Java accepts |
 * | Unicode properties, `\G`, `\X`, `\R`   | them); the error says so                               |
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
  let lastAtomEnd = false; // whether a quantifier may follow
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new RegexSyntaxError(`Unexpected internal error near index ${i + 1}`);
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += [...literal].map(escapeLiteral).join('');
        i = end < 0 ? pattern.length : end + 2;
        lastAtomEnd = literal.length > 0;
        continue;
      }
      if (next === 'E') {
        i += 2; // a stray \E is ignored by Java
        continue;
      }
      if (next === 'A' && inClass === 0) {
        out += '^';
        i += 2;
        lastAtomEnd = false;
        continue;
      }
      if (next === 'z' && inClass === 0) {
        out += '$';
        i += 2;
        lastAtomEnd = false;
        continue;
      }
      if (next === 'Z' && inClass === 0) {
        out += '(?=\\n?$)';
        i += 2;
        lastAtomEnd = false;
        continue;
      }
      if (next === 'h') {
        const h = ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
        out += inClass > 0 ? h : `[${h}]`;
        i += 2;
        lastAtomEnd = true;
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
          if (next === 'P')
            throw new RegexSyntaxError(
              'a negated property class inside [...] is not supported by the simulator',
            );
          out += cls;
        } else {
          out += next === 'p' ? `[${cls}]` : `[^${cls}]`;
        }
        i += 2 + m[0].length;
        lastAtomEnd = true;
        continue;
      }
      if (/[0-9]/.test(next)) {
        out += `\\${next}`;
        i += 2;
        lastAtomEnd = true;
        continue;
      }
      if (/[a-zA-Z]/.test(next)) {
        if (next === 'k' && pattern[i + 2] === '<') {
          const end = pattern.indexOf('>', i + 3);
          if (end < 0)
            throw new RegexSyntaxError(`named capturing group is missing trailing '>' near index ${i}`);
          out += pattern.slice(i, end + 1);
          i = end + 1;
          lastAtomEnd = true;
          continue;
        }
        if (next === 'e' || next === 'a') {
          out += next === 'e' ? '\\x1B' : '\\x07';
          i += 2;
          lastAtomEnd = true;
          continue;
        }
        if (!SAME_ESCAPES.has(next)) {
          if ('GXRNvVH'.includes(next)) {
            throw new RegexSyntaxError(`the escape \\${next} is not supported by the simulator`);
          }
          throw new RegexSyntaxError(`Illegal/unsupported escape sequence near index ${i + 1}`);
        }
        out += `\\${next}`;
        i += 2;
        lastAtomEnd = next !== 'b' && next !== 'B';
        continue;
      }
      // Any other escaped character stands for itself in Java.
      out += escapeLiteral(next);
      i += 2;
      lastAtomEnd = true;
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
        lastAtomEnd = true;
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
        if (pattern.startsWith('(?>', i)) {
          out += '(?:';
          i += 3;
        } else if (/^\(\?[imsux-]+[):]/.test(pattern.slice(i))) {
          throw new RegexSyntaxError(
            `inline flags after the start of the pattern are not supported by the simulator (index ${i})`,
          );
        } else {
          out += '(';
          i++;
        }
        lastAtomEnd = false;
        continue;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        if (ch === '{') {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
          if (m === null) throw new RegexSyntaxError(`Illegal repetition near index ${i}`);
          if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) {
            throw new RegexSyntaxError(`Illegal repetition range near index ${i + m[0].length - 1}`);
          }
          if (!lastAtomEnd) throw new RegexSyntaxError(`Dangling meta character '${ch}' near index ${i}`);
          out += m[0];
          i += m[0].length;
        } else {
          if (!lastAtomEnd) throw new RegexSyntaxError(`Dangling meta character '${ch}' near index ${i}`);
          out += ch;
          i++;
        }
        // Lazy '?' passes through; possessive '+' becomes greedy.
        if (pattern[i] === '?') {
          out += '?';
          i++;
        } else if (pattern[i] === '+') {
          i++;
        }
        lastAtomEnd = false;
        continue;
      }
      case ')':
        out += ')';
        i++;
        lastAtomEnd = true;
        continue;
      case '|':
      case '^':
      case '$':
        out += ch;
        i++;
        lastAtomEnd = false;
        continue;
      case '/':
        out += '\\/';
        i++;
        lastAtomEnd = true;
        continue;
      default:
        out += ch;
        i++;
        lastAtomEnd = true;
    }
  }
  if (inClass > 0) throw new RegexSyntaxError(`Unclosed character class near index ${pattern.length - 1}`);
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
          ? e.message.replace(/^Invalid regular expression: /, '')
          : String(e);
    result = { ok: false, source: pattern, description };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, result);
  return result;
}
