#!/usr/bin/env node
// Static check of package.json against the code (part of the `static` test suite):
// - commands: package.json `contributes.commands` and the `CommandId` enum in
//   src/ui/commands/ids.ts list the same ids; every id is used outside ids.ts (registered);
//   nothing registers a `kafkaGroups.*` command by string literal; ids are
//   `kafkaGroups.<area>.<verb>` with category "Kafka Groups"; menus, keybindings and welcome-view
//   links name declared commands;
// - settings: every `kafkaGroups.*` setting has a `markdownDescription`, and `#setting#` links in
//   them name real settings;
// - activation is lazy: no `*` or `onStartupFinished`.
// The editor suite checks the same commands at run time (registered, runnable).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const IDS_FILE = 'src/ui/commands/ids.ts';
const CATEGORY = 'Kafka Groups';
const PREFIX = 'kafkaGroups.';
const ID_PATTERN = /^kafkaGroups(\.[a-z][A-Za-z0-9]*){2,}$/;

const problems = [];
const problem = (text) => problems.push(text);

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes ?? {};

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The members of `export const enum CommandId { Name = 'id', ... }`. */
function commandRegistry() {
  const file = join(root, IDS_FILE);
  if (!existsSync(file)) {
    problem(`${IDS_FILE} is missing: declare every command id there (export const enum CommandId { … })`);
    return new Map();
  }
  const text = stripComments(readFileSync(file, 'utf8'));
  const body = /export\s+const\s+enum\s+CommandId\s*\{([^}]*)\}/.exec(text);
  if (!body) {
    problem(`${IDS_FILE} has no "export const enum CommandId { … }"`);
    return new Map();
  }
  const members = new Map();
  for (const part of body[1].split(',')) {
    if (part.trim() === '') continue;
    const m = /^\s*([A-Za-z_$][\w$]*)\s*=\s*(['"])([^'"]+)\2\s*$/.exec(part);
    if (!m) {
      problem(
        `${IDS_FILE}: cannot read the CommandId member "${part.trim()}" (write Name = 'kafkaGroups.area.verb')`,
      );
      continue;
    }
    members.set(m[1], m[3]);
  }
  return members;
}

// ── commands ────────────────────────────────────────────────────────────────────────────────
const declared = contributes.commands ?? [];
const manifestIds = new Set();
for (const c of declared) {
  if (manifestIds.has(c.command)) problem(`package.json declares ${c.command} twice`);
  manifestIds.add(c.command);
  if (!ID_PATTERN.test(c.command)) problem(`${c.command}: command ids are kafkaGroups.<area>.<verb>`);
  if (c.category !== CATEGORY)
    problem(`${c.command}: category must be "${CATEGORY}" (is ${JSON.stringify(c.category)})`);
  if (typeof c.title !== 'string' || c.title.trim() === '') problem(`${c.command}: has no title`);
}

const registry = commandRegistry();
const registryIds = new Set(registry.values());
for (const id of manifestIds) {
  if (!registryIds.has(id)) problem(`${id} is in package.json but not in CommandId (${IDS_FILE})`);
}
for (const [name, id] of registry) {
  if (!manifestIds.has(id)) problem(`CommandId.${name} (${id}) is not in package.json contributes.commands`);
}

const sources = sourceFiles(join(root, 'src')).map((f) => ({
  path: relative(root, f),
  text: stripComments(readFileSync(f, 'utf8')),
}));
for (const [name, id] of registry) {
  const used = sources.some(
    (s) => s.path !== IDS_FILE && new RegExp(`\\bCommandId\\.${name}\\b`).test(s.text),
  );
  if (!used)
    problem(`CommandId.${name} (${id}) is declared but never registered (no use outside ${IDS_FILE})`);
}
for (const s of sources) {
  for (const m of s.text.matchAll(/registerCommand\s*\(\s*(['"`])(kafkaGroups\.[^'"`]+)\1/g)) {
    problem(`${s.path}: registers ${m[2]} by string literal; use CommandId`);
  }
}

// Menus, keybindings and welcome-view links must name declared commands.
for (const [menu, items] of Object.entries(contributes.menus ?? {})) {
  for (const item of items) {
    if (item.command?.startsWith(PREFIX) && !manifestIds.has(item.command)) {
      problem(`menus.${menu} names ${item.command}, which package.json does not declare`);
    }
  }
}
for (const k of contributes.keybindings ?? []) {
  if (k.command?.startsWith(PREFIX) && !manifestIds.has(k.command)) {
    problem(`a keybinding names ${k.command}, which package.json does not declare`);
  }
}
for (const w of contributes.viewsWelcome ?? []) {
  for (const m of w.contents.matchAll(/\(command:([\w.]+)/g)) {
    if (m[1].startsWith(PREFIX) && !manifestIds.has(m[1])) {
      problem(`the welcome content of ${w.view} links ${m[1]}, which package.json does not declare`);
    }
  }
}

// ── settings ───────────────────────────────────────────────────────────────────────────────
const sections = Array.isArray(contributes.configuration)
  ? contributes.configuration
  : contributes.configuration
    ? [contributes.configuration]
    : [];
const settings = new Map(sections.flatMap((s) => Object.entries(s.properties ?? {})));
for (const [key, schema] of settings) {
  if (!key.startsWith(PREFIX)) problem(`setting ${key}: settings are named ${PREFIX}*`);
  if (typeof schema.markdownDescription !== 'string' || schema.markdownDescription.trim() === '') {
    problem(`setting ${key} has no markdownDescription`);
    continue;
  }
  for (const m of schema.markdownDescription.matchAll(/`#([\w.]+)#`/g)) {
    if (!settings.has(m[1])) problem(`setting ${key}: its description links #${m[1]}#, which does not exist`);
  }
}

// ── activation ─────────────────────────────────────────────────────────────────────────────
const events = manifest.activationEvents ?? [];
for (const eager of ['*', 'onStartupFinished']) {
  if (events.includes(eager)) {
    problem(
      `activationEvents has "${eager}": activate on the view or a command (VS Code derives those events)`,
    );
  }
}
if (manifest.main !== './dist/extension.js')
  problem(`main is ${manifest.main}, expected ./dist/extension.js`);
for (const c of contributes.viewsContainers?.activitybar ?? []) {
  if (!existsSync(join(root, c.icon))) problem(`view container ${c.id}: icon ${c.icon} does not exist`);
}

if (problems.length > 0) {
  console.error(`package.json and the code disagree (${problems.length}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `manifest ok: ${manifestIds.size} commands (= CommandId), ${settings.size} settings with descriptions, lazy activation`,
);
