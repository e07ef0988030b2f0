/**
 * Where a CLI run starts (bin/clusterctl loads it, bundled as dist/cli/route.js
 * by scripts/bundle-cli.js): a run the CLI bundle can serve goes to
 * dist/cli/bundle.js, any other to the compiled dist/cli/main.js. Each run
 * loads one of the two, never both, so no module is loaded twice (two copies
 * of a class would break `instanceof`), and a command the bundle does not
 * carry pays nothing for it. See ./bundle-routing and ./code-cache.
 */
import { join } from 'node:path';
import { resolveHome } from '../protocol/paths';
import { bundleCanRun, bundleIsFresh } from './bundle-routing';
import { requireWithCodeCache } from './code-cache';

const bundle = join(__dirname, 'bundle.js');
if (bundleCanRun(process.argv) && bundleIsFresh(bundle)) requireWithCodeCache(bundle, join(resolveHome(), 'cache'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- which program to load is decided at run time
else require(join(__dirname, 'main.js'));
