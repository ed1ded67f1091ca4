/**
 * Finds where a JSON text first goes wrong, as a line and column with a short reason. JSON.parse's
 * own messages do not always carry a position (Node 20 often omits it), and a user editing a
 * scenario file needs one.
 */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

class Fail extends Error {
  constructor(
    readonly pos: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function locateJsonError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (reason: string): never => {
    throw new Fail(i, reason);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${show(text[i])}`);
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const esc = text[i + 1];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
          i += 6;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i += 2;
        else fail('bad escape in a string');
        continue;
      }
      if (ch < ' ') fail('line break or control character inside a string (strings need \\n)');
      i++;
    }
    fail('unterminated string');
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (m === null) fail(`unexpected ${show(text[i])}`);
    else i += m[0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === undefined) fail('unexpected end of file');
    else if (ch === '{') object();
    else if (ch === '[') array();
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch >= '0' && ch <= '9')) number();
    else fail(`unexpected ${show(ch)}${ch === "'" ? ' (JSON needs double quotes)' : ''}`);
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"')
        fail(
          text[i] === '}'
            ? 'trailing comma before }'
            : `expected a "quoted" field name, found ${show(text[i])}`,
        );
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the field name, found ${show(text[i])}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}", found ${show(text[i])}`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before ]');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]", found ${show(text[i])}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${show(text[i])} after the end of the document`);
    return null;
  } catch (err) {
    if (!(err instanceof Fail)) throw err;
    const before = text.slice(0, err.pos);
    const line = before.split('\n').length;
    const column = err.pos - before.lastIndexOf('\n');
    return { line, column, reason: err.reason };
  }
}

function show(ch: string | undefined): string {
  if (ch === undefined) return 'end of file';
  if (ch === '\n') return 'a line break';
  return JSON.stringify(ch);
}
