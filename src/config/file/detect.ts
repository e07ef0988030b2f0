/**
 * Whether an argument names a config file rather than a script. Kept apart
 * from the loader so `start` can ask without loading zod and yaml.
 */
const CONFIG_NAME = /(\.config\.(js|cjs|mjs)|\.json|\.ya?ml)$/i;

export function isConfigFile(path: string): boolean {
  return CONFIG_NAME.test(path);
}
