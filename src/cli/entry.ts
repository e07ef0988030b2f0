/**
 * The entry point of the CLI bundle, dist/cli/bundle.js (see ./bundle-routing):
 * a run the bundle can serve goes on inside it; any other run loads the
 * compiled dist/cli/main.js instead, before anything of the bundle's own is
 * evaluated, so no module is ever loaded twice (two copies of a class would
 * break `instanceof`). Unbundled (dist/cli/entry.js) both branches load main.js.
 */
import { join } from 'node:path';
import { bundleCanRun, bundleIsFresh } from './bundle-routing';

/* eslint-disable @typescript-eslint/no-require-imports -- which main to load is decided at run time */
if (bundleCanRun(process.argv) && bundleIsFresh(__filename)) require('./main');
else require(join(__dirname, 'main.js'));
/* eslint-enable @typescript-eslint/no-require-imports */
