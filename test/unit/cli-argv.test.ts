/**
 * How commander hands argv to the commands: the cases an argument parser
 * gets wrong (`-i -1`, `scale web -1`, `-i` with no value, args after --).
 * The actions are replaced by probes, so nothing talks to a daemon.
 */
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program';

function parse(argv: string[]): { command: string; args: unknown[] } {
  const program = buildProgram();
  const ran: Array<{ command: string; args: unknown[] }> = [];
  for (const cmd of program.commands as Command[]) {
    cmd.action((...args: unknown[]) => {
      // commander passes (...operands, options, command): keep operands and options.
      ran.push({ command: cmd.name(), args: args.slice(0, -1) });
    });
  }
  program.parse(['node', 'clusterctl', ...argv]);
  const seen = ran.at(0);
  if (!seen) throw new Error('no command ran');
  return seen;
}

function parseError(argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected a parse error');
}

describe('argv parsing', () => {
  it('start takes -i -1 as the value of -i', () => {
    const { args } = parse(['start', 'app.js', '-i', '-1']);
    expect(args[0]).toBe('app.js');
    expect(args[2]).toMatchObject({ instances: '-1' });
  });

  it('start passes everything after -- to the script, and repeats --env', () => {
    const { args } = parse(['start', 'app.js', '--env', 'A=1', '--env', 'B=2', '--', '--port', '8080', '-x']);
    expect(args[1]).toEqual(['--port', '8080', '-x']);
    expect(args[2]).toMatchObject({ env: ['A=1', 'B=2'] });
  });

  it('start -i with no value is a usage error', () => {
    expect(parseError(['start', 'app.js', '-i'])).toBe('commander.optionMissingArgument');
  });

  it('scale web -1 keeps -1 as the count', () => {
    expect(parse(['scale', 'web', '-1'])).toEqual({ command: 'scale', args: ['web', '-1', {}] });
    expect(parse(['scale', 'web', '+2'])).toEqual({ command: 'scale', args: ['web', '+2', {}] });
  });

  it('ls has the alias list and a --json flag', () => {
    expect(parse(['list', '--json'])).toEqual({ command: 'ls', args: [{ json: true }] });
  });

  it('unknown options and commands are errors', () => {
    expect(parseError(['ls', '--bogus'])).toBe('commander.unknownOption');
    expect(parseError(['frobnicate'])).toBe('commander.unknownCommand');
  });

  it('every command has examples in its help', () => {
    for (const cmd of buildProgram().commands as Command[]) {
      if (cmd.name() === 'help') continue;
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s) });
      cmd.exitOverride();
      try {
        cmd.outputHelp();
      } catch {
        /* outputHelp does not throw; exitOverride keeps commander from exiting */
      }
      // addHelpText('after') is emitted on the help event, which outputHelp fires.
      expect(`${cmd.name()}: ${help}`).toMatch(/Examples?:/);
    }
  });

  it('loads only the command a run names (all for help or an unknown command)', () => {
    const names = (argv: string[]): string[] =>
      (buildProgram(['node', 'clusterctl', ...argv]).commands as Command[]).map((c) => c.name());
    expect(names(['ls', '--json'])).toEqual(['ls']);
    expect(names(['list'])).toEqual(['ls']);
    expect(names(['del', 'web'])).toEqual(['delete']);
    expect(names(['--version'])).toEqual([]);
    const all = names([]);
    expect(all).toEqual(
      expect.arrayContaining([
        'start',
        'ls',
        'stop',
        'restart',
        'reload',
        'scale',
        'delete',
        'describe',
        'ping',
        'kill',
      ]),
    );
    expect(names(['--help'])).toEqual(all);
    expect(names(['lss'])).toEqual(all);
    expect(names(['help', 'start'])).toEqual(all);
  });
});
