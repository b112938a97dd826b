// The one role list (issue 24 item 4): rank order, and a role outside the list is never high enough (review finding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, isStoreAdmin, type Role } from '../../src/services/roles.js';

test('roles rank owner > admin > manager > cashier', () => {
  assert.equal(atLeast('owner', 'admin'), true);
  assert.equal(atLeast('admin', 'admin'), true);
  assert.equal(atLeast('manager', 'admin'), false);
  assert.equal(atLeast('cashier', 'manager'), false);
  assert.deepEqual((['owner', 'admin', 'manager', 'cashier'] as const).map(isStoreAdmin), [true, true, false, false]);
});

test('a role outside the list (written around the schema) is no store admin and reaches no rank (D5, B12)', () => {
  const unknown = 'superuser' as Role;
  assert.equal(isStoreAdmin(unknown), false);
  assert.equal(atLeast(unknown, 'cashier'), false);
});
