/** Public surface of the configuration module: import from here, not from the parts. */
export { loadConfig, coerceEnvValue, CONFIG_ENV, type LoadConfigInput } from './load.js';
export { validateSemantics, cronProblem, type SemanticsOptions } from './semantics.js';
export {
  CONFIG_KEYS, CONFIG_SCHEMA, ENV_PREFIX, REQUIRED_KEYS, configOptions, envName, isSecret, maskConfig, secretValues,
  type Config, type ConfigKey, type OptionInfo,
} from './schema.js';
export { describeAllowed, GROUP_ORDER, type OptionGroup } from './option.js';
export { targetTokenEnv, type TargetConfig } from './targets.js';
