// Types for install.mjs (used by the TypeScript test harness).
export declare const CODE_SERVER_VERSION: string;
export declare const CODE_SERVER_HOME: string;
export declare const CODE_SERVER_BIN: string;
export declare class InstallError extends Error {}
/** What is wrong with the cached install, or null when it is complete and healthy. */
export declare function diagnose(): string | null;
/** Installs or repairs code-server when needed; returns the path of its executable. */
export declare function ensureCodeServer(options?: {
  force?: boolean;
  log?: (line: string) => void;
}): Promise<string>;
