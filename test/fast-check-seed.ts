import fc from 'fast-check';

// Every property test explores the same inputs on every run, so that the suite passes or fails
// by the code alone: fast-check's default seed comes from the clock. To explore other inputs,
// FC_SEED=<integer> npm test (Node); a failure prints the seed and path that replay it.
const given = Number(globalThis.process?.env?.FC_SEED);
fc.configureGlobal({ seed: Number.isSafeInteger(given) ? given : 20261202 });
