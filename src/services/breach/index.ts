// Breach service: Have I Been Pwned range check with cache and timeout.
export {
  createBreachChecker,
  type BreachChecker,
  type BreachCheckerOptions,
  type BreachResult,
} from './checker.js';
