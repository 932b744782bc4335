/**
 * The sandbox: offline emulators of Jira Cloud (REST v3) and Matrix42 / Efecte ESM (REST v1) for
 * development, tests, benchmarks and `npm start`. Not part of the published package.
 *
 *   const jira = await startJira({ port: 0 });  // { url, stop(), credentials, store, ... }
 *   const esm = await startEsm({ port: 0 });    // { url, apiUrl, stop(), credentials, ... }
 *   await jira.stop();
 *
 * Every emulator has the admin API under `${url}/__admin/`: POST reset, POST seed, GET state,
 * POST|GET|DELETE faults, GET|DELETE requests, GET routes; ESM adds webhook-rules.
 */
export { start as startJira, type JiraSandbox, type JiraStartOptions, type JiraSeed } from './jira';
export { start as startEsm, type EsmSandbox, type EsmStartOptions, type EsmSeed } from './esm';
export type { FaultConfig } from './core/faults';
export { SANDBOX_ESM_USER, SANDBOX_JIRA_USER, SANDBOX_PORTS } from './credentials';
