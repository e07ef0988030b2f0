/**
 * The starter config file `clusterctl init` writes: PM2's ecosystem format,
 * using only fields both PM2 and clusterctl read the same way, each with a
 * comment saying what it does, so the file works under either tool.
 */

export interface TemplateValues {
  /** App name (package.json's name, or the folder's). */
  name: string;
  /** The app's main file, relative to the config file. */
  script: string;
}

export function ecosystemTemplate(v: TemplateValues): string {
  return `// Config file for clusterctl (and PM2): start it with \`clusterctl start ecosystem.config.js\`,
// apply edits to running apps with \`clusterctl apply ecosystem.config.js\`.
// Every field but "script" is optional; the README's "Config files" section lists them all.
module.exports = {
  apps: [
    {
      // App name: used by \`clusterctl ls\`, \`reload <name>\`, \`logs <name>\`.
      name: ${JSON.stringify(v.name)},
      // The app's main file, resolved against "cwd" (default: this file's folder).
      script: ${JSON.stringify(v.script)},
      // Workers: a number, "max" (one per usable CPU) or -1 (every CPU but one).
      instances: "max",
      // node:cluster workers share the listening port; \`clusterctl reload\` replaces them one by one.
      exec_mode: "cluster",
      // Replace a worker gracefully when it uses more memory than this.
      max_memory_restart: "300M",
      // ms a worker has to finish its requests after the stop signal, before SIGKILL.
      kill_timeout: 5000,
      // A worker that exits sooner than this after starting counts as a crash loop.
      min_uptime: "1s",
      // Crash-loop restarts in a row before the worker is left "errored".
      max_restarts: 16,
      // The app's environment; a JavaScript file may read the shell's, as PORT does here.
      env: {
        NODE_ENV: "development",
        PORT: process.env.PORT || 3000,
      },
      // Added over "env" with \`clusterctl start ecosystem.config.js --env production\`.
      env_production: {
        NODE_ENV: "production",
      },
    },
  ],
};
`;
}
