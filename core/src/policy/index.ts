export { isDns1123Label, isDns1123Subdomain } from "./dns-1123.ts";
export type { HubLossAction, PolicyRules, RolloutPolicy } from "./validate-policy.ts";
export { pauseDurationSeconds, validatePolicy } from "./validate-policy.ts";
