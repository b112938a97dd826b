// node --test's global setup for `npm test` (plain JS: it loads before tsx handles imports): see helpers/shared-server.ts.
import { tsImport } from 'tsx/esm/api';

const server = await tsImport('./helpers/shared-server.ts', import.meta.url);
export const { globalSetup, globalTeardown } = server;
