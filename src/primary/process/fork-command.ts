/**
 * What fork mode executes for an app: its Node binary with the Node flags
 * and our preload (IPC kept, so `process.send('ready')` works), the script
 * itself (`interpreter: 'none'`), or another program (`python3`, `bash`)
 * with its own arguments before the script.
 */
import { join } from 'node:path';
import type { AppSpec } from '../../protocol/types';

const PRELOAD = join(__dirname, '..', 'preload.js');

export interface ForkCommand {
  file: string;
  args: string[];
  /** An IPC channel to the child: only a Node child speaks it (and runs the preload). */
  ipc: boolean;
}

export function commandOf(spec: AppSpec): ForkCommand {
  if (spec.execInterpreter === 'node') {
    return {
      file: spec.interpreter,
      args: [...spec.nodeArgs, '--require', PRELOAD, spec.script, ...spec.args],
      ipc: true,
    };
  }
  if (spec.execInterpreter === 'none') return { file: spec.script, args: spec.args, ipc: false };
  return { file: spec.execInterpreter, args: [...spec.interpreterArgs, spec.script, ...spec.args], ipc: false };
}
