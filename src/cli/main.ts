import { COMMANDS } from './commands';
import { UsageError, UserError, type CliIo } from './io';

const VERSION = '0.1.0';

function helpText(): string {
  const width = Math.max(8, ...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'kgd — Kafka Group Debugger',
    '',
    'Usage: kgd <command> [options]',
    '',
    'Commands:',
    ...(lines.length > 0 ? lines : ['  (none)']),
    '',
    'Run `kgd <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** Runs the CLI and returns the process exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`kgd: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`kgd ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr(`kgd ${command.name}: ${err.message}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(
      `kgd ${command.name}: internal error: ${message}\n` +
        'This is a bug in kgd. Please report it with the command you ran.\n',
    );
    return 70;
  }
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    isTty: process.stdout.isTTY === true,
    readSecret,
  };
}

/** Reads a line from the terminal with echo off (for passwords). */
function readSecret(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (stdin.isTTY !== true) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (result: string | null, err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(result);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003') return done(null, new UserError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

if (require.main === module) {
  // A reader that stops early (`kgd simulate … | head`) closes the pipe: stop quietly, as Unix
  // tools do, instead of dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
