/**
 * What a command line names, read before commander is loaded: program.ts
 * registers only the command a run names, and the CLI bundle's entry
 * (entry.ts) decides from it whether the bundle can run the command.
 */

/** The command argv (process.argv) names: its first operand, since the root program's options take no value. */
export function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** `clusterctl --version` (or `-v`), with nothing else. */
export function isVersionOnly(argv: readonly string[]): boolean {
  const rest = argv.slice(2);
  return rest.length > 0 && rest.every((a) => a === '-v' || a === '--version');
}
