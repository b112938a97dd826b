// Which database commands a test saw could not be served by an index the models declare: each filter must have an
// exact equality on _id or on the first field of a declared index (what both MongoDB and FerretDB's pushdown can use).
import type { mongo } from 'mongoose';
import type { Models } from '../../src/models/index.js';

type Filter = Record<string, unknown>;

/** Per collection, the leading field of every declared index (and `_id`). */
export function declaredIndexes(models: Models): Map<string, Set<string>> {
  const byCollection = new Map<string, Set<string>>();
  for (const model of Object.values(models)) {
    const leading = new Set<string>(['_id']);
    for (const [keys] of model.schema.indexes()) {
      const first = Object.keys(keys)[0];
      if (first) leading.add(first);
    }
    byCollection.set(model.collection.collectionName, leading);
  }
  return byCollection;
}

/** The filters a command applies, with its collection (commands without one, like insert, apply none). */
export function filtersOf(event: mongo.CommandStartedEvent): Array<{ collection: string; filter: Filter }> {
  const c = event.command as Record<string, unknown>;
  const name = event.commandName;
  const coll = String(c[name] ?? '');
  const list = (items: unknown, key: string) => (Array.isArray(items) ? items.map((i) => ({ collection: coll, filter: ((i as Filter)[key] ?? {}) as Filter })) : []);
  switch (name) {
    case 'find':
      return [{ collection: coll, filter: (c.filter ?? {}) as Filter }];
    case 'count':
      return [{ collection: coll, filter: (c.query ?? {}) as Filter }];
    case 'findAndModify':
      return [{ collection: coll, filter: (c.query ?? {}) as Filter }];
    case 'update':
      return list(c.updates, 'q');
    case 'delete':
      return list(c.deletes, 'q');
    case 'aggregate': {
      const match = (c.pipeline as Array<Record<string, unknown>> | undefined)?.find((stage) => '$match' in stage);
      return [{ collection: coll, filter: (match?.$match ?? {}) as Filter }];
    }
    default:
      return [];
  }
}

const isEquality = (value: unknown) =>
  value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value) || !Object.keys(value).some((k) => k.startsWith('$')) || Object.keys(value).every((k) => k === '$eq');

/** Descriptions of the filters no declared index serves; empty when every one is served. */
export function unservedFilters(events: mongo.CommandStartedEvent[], indexes: Map<string, Set<string>>): string[] {
  const unserved: string[] = [];
  for (const event of events) {
    for (const { collection, filter } of filtersOf(event)) {
      const leading = indexes.get(collection) ?? new Set(['_id']);
      const equalities = Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && isEquality(v));
      if (!equalities.some(([k]) => leading.has(k))) unserved.push(`${event.commandName} ${collection} ${JSON.stringify(filter)}`);
    }
  }
  return unserved;
}
