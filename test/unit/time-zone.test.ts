// The business day's time zone choice (B19, issue 23): the store country's zones first, then every other one, once each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countryZones, zoneChoices } from '../../src/services/policy/time-zone.js';

test('issue 23: an Australian store is offered the Australian zones first, named in words, then every other zone', () => {
  const { country, inCountry, others } = zoneChoices('AU', 'en');
  assert.equal(country, 'Australia');
  const own = inCountry.map((z) => z.value);
  for (const zone of ['Australia/Sydney', 'Australia/Perth', 'Australia/Adelaide', 'Australia/Brisbane']) assert.ok(own.includes(zone), zone);
  assert.ok(!own.includes('Europe/Amsterdam'));
  assert.ok(inCountry.find((z) => z.value === 'Australia/Sydney')?.label.startsWith('Australia/Sydney · Australian Eastern'));
  // every zone the platform knows is offered exactly once
  const all = [...own, ...others.map((z) => z.value)];
  assert.equal(new Set(all).size, all.length);
  for (const zone of Intl.supportedValuesOf('timeZone')) assert.ok(all.includes(zone), zone);
});

test('issue 23: a Dutch store gets its one zone first, in Dutch words; an unknown country gets the whole list', () => {
  const nl = zoneChoices('nl', 'nl');
  assert.equal(nl.country, 'Nederland');
  assert.deepEqual(nl.inCountry.map((z) => z.value), ['Europe/Amsterdam']);
  assert.equal(nl.inCountry[0]?.label, 'Europe/Amsterdam · Midden-Europese tijd');
  assert.deepEqual(countryZones('BQ'), ['America/Kralendijk']);
  const unknown = zoneChoices('XX', 'en');
  assert.deepEqual(unknown.inCountry, []);
  assert.equal(unknown.others.length, Intl.supportedValuesOf('timeZone').length);
  assert.deepEqual(countryZones('not a country'), []);
});
