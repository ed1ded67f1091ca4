// Types for workbench.mjs (used by the TypeScript test harness and the benchmark).
export { ensureCodeServer } from './install.mjs';

export declare const ROOT: string;
export declare const PORT_RANGE: Readonly<{ first: number; last: number }>;
export declare const BASE_USER_SETTINGS: Readonly<Record<string, unknown>>;
export declare const EXTENSION_FILES: readonly string[];

export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  [key: string]: unknown;
}
export declare function readManifest(dir?: string): Manifest;
export declare function extensionId(manifest?: Manifest): string;
export declare function runNode(
  script: string,
  args?: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean },
): Promise<string>;
export declare function buildExtension(): Promise<void>;
export declare function stageExtension(
  sourceDir: string,
  extensionsDir: string,
  files?: readonly string[],
): string;
export declare function installVsix(
  vsix: string,
  dirs: { extensionsDir: string; userDataDir: string; home: string },
): Promise<string>;
export declare function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): string;
export declare function writeWorkspace(folder: string, settings?: Record<string, unknown>): string;
export declare function portIsFree(port: number): Promise<boolean>;
export declare function findFreePort(preferred?: number): Promise<number>;

export interface CodeServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly folder: string | undefined;
  workbenchUrl(folder?: string): string;
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}
export declare function startCodeServer(options: {
  port: number;
  userDataDir: string;
  extensionsDir: string;
  folder?: string;
  home: string;
  timeoutMs?: number;
  extraArgs?: string[];
}): Promise<CodeServer>;
export declare function tail(file: string, lines?: number): string;
