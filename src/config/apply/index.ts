/** `apply`: plan the steps from the running apps to a config file's apps, and print them. */
export { planApply, type Plan, type PlanAction, type PlanOptions } from './plan';
export { formatPlan, formatAction, describeChanges, summarize } from './format';
export { diffSpecs, diffEnv, hasChanges, type SpecChanges, type EnvDiff } from './diff';
export { forceVerb, type ForcedVerb } from './force';
