/**
 * Where a CLI run starts (bin/clusterctl loads it, bundled as dist/cli/route.js
 * by scripts/bundle-cli.js): a run the CLI bundle can serve goes to
 * dist/cli/bundle.js, any other to the compiled dist/cli/main.js. Each run
 * loads one of the two, never both, so no module is loaded twice (two copies
 * of a class would break `instanceof`), and a command the bundle does not
 * carry pays nothing for it. See ./bundle-routing.
 */
import { join } from 'node:path';
import { bundleCanRun, bundleIsFresh } from './bundle-routing';

const bundle = join(__dirname, 'bundle.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- which program to load is decided at run time
require(bundleCanRun(process.argv) && bundleIsFresh(bundle) ? bundle : join(__dirname, 'main.js'));
