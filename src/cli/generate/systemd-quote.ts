/**
 * Quoting for the two places a generated unit carries user data: command
 * lines (ExecStart=) and environment files (EnvironmentFile=). systemd has
 * its own rules for each (systemd.service(5) "Command lines", systemd.exec(5)
 * "EnvironmentFile="), which are not a shell's: `%` starts a specifier and
 * `$` a variable in command lines, and an environment file is read with its
 * own quote handling.
 */

const PLAIN_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/** One argument of an ExecStart= line, exactly as the program will receive it. */
export function quoteExecArg(arg: string): string {
  // Specifiers (%) and variables ($) are expanded inside quotes too, so they are doubled everywhere.
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (arg !== '' && PLAIN_WORD.test(arg)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** A whole command line: the first word is the absolute path of the program. */
export function execLine(argv: readonly string[]): string {
  return argv.map(quoteExecArg).join(' ');
}

/**
 * One `NAME=value` line of an environment file. Single quotes keep every
 * character as it is; a value holding a single quote goes in double quotes,
 * where systemd takes \" \\ \$ and \` as escapes.
 */
export function envFileLine(name: string, value: string): string {
  if (!value.includes("'")) return `${name}='${value}'`;
  return `${name}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** Environment variable names systemd accepts in an environment file. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value taken as it is (a path, a description): only specifiers need escaping. */
export function unitValue(value: string): string {
  return value.replace(/%/g, '%%');
}

/** One assignment of an Environment= line: quoted when it has spaces; `$` is not expanded there. */
export function environmentAssignment(name: string, value: string): string {
  const text = `${name}=${value}`.replace(/%/g, '%%');
  return /^[^\s"'\\]+$/.test(text) ? text : `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
