// Issue 26: production runs on MONGODB_URI; the embedded database (built with Go, devDependencies) never starts there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { resolveDatabase } from '../../src/db/database-uri.js';

describe('the database in production', () => {
  it('NODE_ENV=production without MONGODB_URI stops with one line naming it, before anything is started', async () => {
    const logged: string[] = [];
    const config = loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1', DATA_DIR: '/dev/null/cannot-be-created' });
    await assert.rejects(resolveDatabase(config, (line) => logged.push(line)), /^Error: MONGODB_URI is required when NODE_ENV=production: the embedded database is for development/);
    assert.deepEqual(logged, [], 'no embedded database was started');
  });

  it('with MONGODB_URI production uses that server and starts nothing itself', async () => {
    const config = loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1', MONGODB_URI: 'mongodb://db.example/mfa-idp' });
    const database = await resolveDatabase(config, () => assert.fail('nothing to log'));
    assert.equal(database.uri, 'mongodb://db.example/mfa-idp');
    await database.stop();
  });
});
