// Root hooks for the webview suite: one Chromium and one stand-in server for all tests.
import { closeEnvironment } from './harness';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeEnvironment();
  },
};
