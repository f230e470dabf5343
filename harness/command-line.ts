import type { Command } from 'commander';

/**
 * Parses a tool's command line (a commander program built with `exitOverride()`): undefined to go on, or
 * the exit code to end with: 0 after --help or --version, 2 for bad usage (commander has printed why).
 */
export function parseToolCommandLine(program: Command, argv: readonly string[] = process.argv): number | undefined {
  try {
    program.parse([...argv]);
    return undefined;
  } catch (e) {
    return ((e as { exitCode?: number }).exitCode ?? 2) === 0 ? 0 : 2;
  }
}
