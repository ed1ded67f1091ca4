// Types for package.mjs.
export declare function defaultVsixPath(): string;
export declare function packageVsix(options?: {
  out?: string;
  quiet?: boolean;
}): Promise<{ path: string; bytes: number; output: string }>;
