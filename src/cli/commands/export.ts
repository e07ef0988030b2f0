/**
 * `clusterctl export systemd|k8s <app|config-file>`: turn an app (one the
 * daemon runs, or every app of a config file) into what runs it without the
 * daemon: systemd units, or Kubernetes objects. Both run `clusterctl run`.
 */
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { appFileName } from '../../protocol/app-name';
import { ClusterctlError } from '../../protocol/errors';
import { withoutInherited } from '../generate/app-env';
import { sourceApps, type SourcedApp } from '../generate/app-source';
import { appUnit, envFileText } from '../generate/app-unit';
import { clusterctlBin, currentUser, nodeBin } from '../generate/host';
import { declaredPort, k8sName, k8sObjects, type K8sObject } from '../generate/k8s-manifest';
import { uncarried } from '../generate/run-command';
import { notice, print, usage } from '../output';

interface SystemdFlags {
  dir?: string;
  user?: boolean;
  force?: boolean;
}

interface K8sFlags {
  image: string;
  replicas?: string;
  port?: string;
}

function outputDir(raw: string | undefined): string {
  const dir = resolve(process.cwd(), raw ?? '.');
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw usage(`--dir ${raw ?? dir}: no such folder`);
  return dir;
}

async function exportSystemd(target: string, flags: SystemdFlags): Promise<void> {
  const dir = outputDir(flags.dir);
  const apps = await sourceApps(target);
  const files = apps.map((app) => ({
    app,
    // systemd unit names take ASCII letters, digits and ":-_.\\" only: the file form fits (protocol/app-name).
    unit: join(dir, `${appFileName(app.spec.name)}.service`),
    env: join(dir, `${appFileName(app.spec.name)}.env`),
  }));
  const taken = files.flatMap((f) => [f.unit, f.env]).filter((p) => existsSync(p));
  if (taken.length > 0 && flags.force !== true)
    throw new ClusterctlError(
      'E_FILE_EXISTS',
      `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}; nothing written (--force replaces them)`,
    );
  const user = flags.user === true;
  for (const f of files) for (const n of uncarriedOf(f.app)) notice(n);
  for (const f of files) {
    writeFileSync(f.env, envFileText(f.app), { mode: 0o600 });
    // The mode given to writeFileSync applies only to a new file; a replaced one keeps its old mode.
    chmodSync(f.env, 0o600);
    const text = appUnit(f.app, {
      user,
      runAs: currentUser().name,
      envFile: f.env,
      node: nodeBin(),
      clusterctl: clusterctlBin(),
    });
    writeFileSync(f.unit, text, { mode: 0o644 });
    print(`wrote ${f.unit} and ${f.env} (0600)`);
  }
  const systemctl = user ? 'systemctl --user' : 'systemctl';
  print('enable and start with:');
  for (const f of files) print(`  ${systemctl} enable --now ${f.unit}`);
}

function integerFlag(flag: string, raw: string | undefined, min: number, max: number): number | null {
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max)
    throw usage(`${flag} ${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
  return Number(raw);
}

/** A daemon app's variables less those it inherited from the shell, named on stderr. */
function ownVariables(app: SourcedApp): SourcedApp {
  if (app.origin.kind !== 'daemon') return app;
  const { own, inherited } = withoutInherited(app.env, process.env);
  if (inherited.length > 0)
    notice(
      `${app.spec.name}: left out ${inherited.length} variable${inherited.length === 1 ? '' : 's'} it shares with this shell (${inherited.join(', ')}); a config file lists exactly what the app needs`,
    );
  return { ...app, env: own };
}

/** A daemon app's settings its `run` command line cannot say (a config file's app is run from the file: all of it). */
function uncarriedOf(app: SourcedApp): string[] {
  return app.origin.kind === 'daemon' ? uncarried(app.spec) : [];
}

/** A primary group shares one process between the apps of a machine; each app exported here is a pod of its own. */
function groupNotice(app: SourcedApp): string {
  const { name, primaryGroup } = app.spec;
  return app.origin.kind === 'config'
    ? `${name}: primary group ${primaryGroup} is not shared across pods: each app is its own pod, alone in its group there`
    : `${name}: primary group ${primaryGroup} is not carried: each app is its own pod, with a primary of its own`;
}

async function exportK8s(target: string, flags: K8sFlags): Promise<void> {
  const replicas = integerFlag('--replicas', flags.replicas, 0, 1000) ?? 1;
  const port = integerFlag('--port', flags.port, 1, 65535);
  if (flags.image.trim() === '' || /\s/.test(flags.image))
    throw usage(
      `--image ${JSON.stringify(flags.image)}: expected an image reference such as registry.example.com/api:1.4.2`,
    );
  const apps = (await sourceApps(target)).map(ownVariables);
  const { stringify } = await import('yaml');
  const docs: K8sObject[] = [];
  for (const app of apps) {
    const appPort = declaredPort(app, port);
    const { objects, secretNames } = k8sObjects(app, {
      image: flags.image,
      replicas,
      port: appPort,
      base: process.cwd(),
    });
    docs.push(...objects);
    if (appPort === null) notice(`${app.spec.name}: no port (--port or a PORT variable): no Service written`);
    if (app.spec.primaryGroup !== null) notice(groupNotice(app));
    for (const n of uncarriedOf(app)) notice(n);
    if (secretNames.length > 0) {
      const literals = secretNames.map((n) => `--from-literal=${n}=...`).join(' ');
      notice(
        `${app.spec.name}: ${secretNames.join(', ')} come from the Secret "${k8sName(app.spec.name)}", which is not in the output; create it with: kubectl create secret generic ${k8sName(app.spec.name)} ${literals}`,
      );
    }
  }
  process.stdout.write(docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'));
}

export function registerExport(program: Command): void {
  const exp = program
    .command('export')
    .description('write what runs an app without the daemon: systemd units or Kubernetes objects')
    .addHelpText(
      'after',
      `
Examples:
  $ clusterctl export systemd api --dir ./deploy
  $ clusterctl export k8s ecosystem.config.js --image registry.example.com/api:1.4.2 --replicas 3`,
    );
  exp
    .command('systemd')
    .description('write <app>.service and <app>.env (0600) per app, each running `clusterctl run`')
    .argument('<app|config-file>', 'an app the daemon runs, or a config file (every app in it)')
    .option('--dir <dir>', 'the folder to write to (default: the current folder)')
    .option('--user', 'user units (systemctl --user): no User=, wanted by default.target')
    .option('--force', 'replace files of the same names')
    .addHelpText(
      'after',
      `
Example:
  $ clusterctl export systemd ecosystem.config.js --dir /etc/clusterctl && systemctl enable --now /etc/clusterctl/api.service`,
    )
    .action((target: string, flags: SystemdFlags) => exportSystemd(target, flags));
  exp
    .command('k8s')
    .description('print a Deployment, a ConfigMap and a Service per app (YAML), each running `clusterctl run`')
    .argument('<app|config-file>', 'an app the daemon runs, or a config file (every app in it)')
    .requiredOption(
      '--image <image>',
      'the container image: it must have node and clusterctl, and the app in its WORKDIR',
    )
    .option('--replicas <n>', 'pods per app, 0 to 1000 (default 1)')
    .option('--port <port>', "the port the app listens on, for the Service (default: the app's PORT variable)")
    .addHelpText(
      'after',
      `
Paths in the container command are relative to the current folder, which the
image's WORKDIR must mirror. Secret-looking variables become secretKeyRefs to
a Secret named after the app; their values are never printed.

Example:
  $ clusterctl export k8s api --image registry.example.com/api:1.4.2 --port 3000 | kubectl apply -f -`,
    )
    .action((target: string, flags: K8sFlags) => exportK8s(target, flags));
}
