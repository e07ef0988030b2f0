/**
 * Every bound and name pattern an app spec is held to, defined once: the
 * CLI's flag checks (src/config), the config file's schema, the daemon's zod
 * schemas and the app primary's hand-written checks all read them from here,
 * so a value the CLI accepts is one the daemon and the primary accept too.
 * (No imports: the app primary loads this file and nothing else comes with it.)
 */

/** Workers per app: far above any sensible core count, low enough to refuse a typo like `-i 40000`. */
export const MAX_INSTANCES = 4096;

/** The longest duration any flag, config field or spec field takes: 24 h in ms. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;

/** The smallest `--log-max-size` in bytes: below it a file would rotate on nearly every line. */
export const MIN_LOG_MAX_SIZE = 1024;

/** The most rotated files kept per log stream (`--log-retain`). */
export const MAX_LOG_RETAIN = 1000;

/** The largest process exit code (`--stop-exit-codes`). */
export const MAX_EXIT_CODE = 255;

/** An environment variable name (env keys, `--increment-var`). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `instance_var`: any name PM2 takes (`worker.id` included); only "=" and NUL
 * are refused, because the variable could then not be set at all.
 */
export const INSTANCE_VAR_PATTERN = /^[^=\0]+$/;
