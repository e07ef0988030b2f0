/**
 * How the CLI talks to the person: results on stdout, notices and errors on
 * stderr as `clusterctl: <message>` with an optional hint, never a stack
 * trace. Colour only on a terminal and never with NO_COLOR.
 */
import { ClusterctlError, exitCodeFor, type ErrorCode } from '../protocol/errors';

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function notice(text: string): void {
  process.stderr.write(`clusterctl: ${text}\n`);
}

/**
 * Whether `stream` is a terminal. @types/node declares process.stdout and
 * process.stderr as tty.WriteStream, whose `isTTY` is always a boolean, but on
 * a pipe or a file they are not TTY streams and `isTTY` is undefined
 * (DefinitelyTyped/DefinitelyTyped#68299); the parameter's type says so.
 */
export function isTerminal(stream: { readonly isTTY?: boolean }): boolean {
  return stream.isTTY === true;
}

export function useColor(
  stream: { readonly isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTerminal(stream);
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  E_INTERNAL: 'this is a bug in clusterctl; please report it with the daemon log',
};

/** Prints an error the way every command does, and returns the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof ClusterctlError) {
    const [first, ...rest] = err.message.split('\n');
    notice(first);
    // Extra lines carry the app's own output (a stack trace it printed): indent them under the error.
    for (const line of rest) if (line.trim() !== '') process.stderr.write(`  ${line}\n`);
    const hint = HINTS[err.code];
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    return exitCodeFor(err.code);
  }
  const message = err instanceof Error ? err.message : String(err);
  notice(`internal error: ${message}`);
  return exitCodeFor('E_INTERNAL');
}

export function usage(message: string): ClusterctlError {
  return new ClusterctlError('E_USAGE', message);
}
