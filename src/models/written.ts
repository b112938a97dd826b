// Who hears that this process wrote a user or a store (a leaf): the schemas' post-write hooks call these, and the
// in-process caches of src/models/stores/user-records.ts listen.
const userListeners = new Set<(id: string | undefined) => void>();
const storeListeners = new Set<() => void>();

/** Called by the users schema after every write (src/models/user.ts); `id` when the write named one user. */
export function userWritten(id: string | undefined) {
  for (const listener of userListeners) listener(id);
}

/** Called by the store accounts schema after every write (src/models/store-account.ts). */
export function storesWritten() {
  for (const listener of storeListeners) listener();
}

export const onUserWritten = (listener: (id: string | undefined) => void) => userListeners.add(listener);
export const onStoresWritten = (listener: () => void) => storeListeners.add(listener);
