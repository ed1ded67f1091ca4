#!/usr/bin/env node
// `npm start`: the demo. Builds the extension, makes sure code-server is installed (once, into
// .cache/code-server), installs the freshly built extension into the demo's own extensions dir,
// opens .cache/demo-workspace/ (whose settings start the simulator on a built-in scenario) and
// prints the URL. It stays in the foreground; Ctrl-C stops code-server and everything it started.
//
// Usage: npm start [-- --port N] [--scenario NAME] [--folder DIR]
//   --port N      port on 127.0.0.1 (default: $KGD_PORT, else the first free one of 18080-18099,
//                 or of $KGD_PORTS, e.g. KGD_PORTS=18060-18079)
//   --scenario    the built-in scenario the simulator runs (default: rolling-restart)
//   --folder DIR  open DIR instead of the demo workspace
import { join, resolve } from 'node:path';
import {
  PORT_RANGE,
  ROOT,
  EXTENSION_FILES,
  buildExtension,
  ensureCodeServer,
  findFreePort,
  portIsFree,
  stageExtension,
  startCodeServer,
  writeUserSettings,
  writeWorkspace,
} from './workbench.mjs';

const DEMO_SCENARIO = 'rolling-restart';

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) fail(`--${name} needs a value`);
  return value;
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

async function timed(what, fn) {
  const started = Date.now();
  const result = await fn();
  console.log(`  ✓ ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function choosePort() {
  const given = option('port') ?? process.env.KGD_PORT;
  if (given === undefined) return findFreePort();
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`"${given}" is not a port number`);
  if (port < PORT_RANGE.first || port > PORT_RANGE.last) {
    console.warn(`  ! port ${port} is outside this project's range ${PORT_RANGE.first}-${PORT_RANGE.last}`);
  }
  if (!(await portIsFree(port)))
    fail(`127.0.0.1:${port} is already in use; pass another --port or stop what uses it`);
  return port;
}

const started = Date.now();
const home = join(ROOT, '.cache', 'demo');
const userDataDir = join(home, 'user-data');
const extensionsDir = join(home, 'extensions');
const folderArg = option('folder');
const folder = folderArg ? resolve(folderArg) : join(ROOT, '.cache', 'demo-workspace');
const scenario = option('scenario') ?? DEMO_SCENARIO;

let server;
let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping code-server…`);
  await server?.stop();
  console.log('stopped.');
  process.exit(0);
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => void shutdown(s));

try {
  console.log('Kafka Group Debugger demo');
  await timed('built the extension', buildExtension);
  await timed('code-server is installed', () => ensureCodeServer({ log: (l) => console.log(`    ${l}`) }));
  const staged = await timed('installed the extension', () =>
    stageExtension(ROOT, extensionsDir, EXTENSION_FILES),
  );
  writeUserSettings(userDataDir);
  if (!folderArg) {
    writeWorkspace(folder, {
      // Read by the extension: start the simulator on a built-in scenario when the view opens.
      'kafkaGroups.simulator.autoStart': true,
      'kafkaGroups.simulator.scenario': scenario,
    });
  }
  const port = await choosePort();
  server = await timed(`started code-server on 127.0.0.1:${port}`, () =>
    startCodeServer({ port, userDataDir, extensionsDir, folder, home }),
  );
  console.log(`
Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open this in a browser:

    ${server.workbenchUrl()}

Then click "Kafka Groups" in the activity bar. The workspace runs the simulator on the
"${scenario}" scenario (kafkaGroups.simulator.* in ${join(folder, '.vscode', 'settings.json')}).
Extension: ${staged}
code-server log: ${server.logFile}
Press Ctrl-C to stop.`);
  const how = await server.exited;
  if (!stopping) {
    console.error(`code-server stopped by itself (${how}); see ${server.logFile}`);
    process.exit(1);
  }
} catch (e) {
  await server?.stop();
  fail(e instanceof Error ? e.message : String(e));
}
