/**
 * Shared by the examples: run `main()` when the file is executed directly
 * (`npx tsx examples/simple-server.ts`), and not when a test imports it.
 */
import { pathToFileURL } from 'node:url';

/** True when the module at `moduleUrl` is the program's entry point. */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === moduleUrl;
}

/** Run `fn`, print its failure and set the exit code. */
export function runMain(fn: () => Promise<unknown>): void {
  fn().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
