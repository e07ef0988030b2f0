/** `--instance N` of `send-signal` and `env`, checked in the CLI. */
import { MAX_INSTANCES } from '../../protocol/limits';
import { usage } from '../output';

export function parseInstanceOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) >= MAX_INSTANCES)
    throw usage(
      `--instance ${JSON.stringify(raw)}: expected an instance number (0, 1, ...), as \`clusterctl ls\` shows`,
    );
  return Number(raw);
}
