/** Config files (PM2's ecosystem format): recognise them, load them into validated AppSpecs. */
export { isConfigFile } from './detect';
export { loadConfigFile, type LoadOptions, type LoadedConfig } from './load';
