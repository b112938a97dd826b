// One process runs the embedded database of a data directory: `npm run db`, or a provider started without MONGODB_URI.
// A second one is refused with a clear message instead of stopping the first one's PostgreSQL as if it were left over.
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

const FILE = 'owner.pid';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `dataDir` for this process; returns the release. Throws when another live process holds it. */
export async function claimDataDir(dataDir: string, hint: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, FILE);
  for (;;) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        if ((await readFile(file, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    // this process again (a restart of its own server), or one that is gone: the directory is free
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new Error(`the embedded database in ${dataDir} is already run by process ${pid}; ${hint}`);
    }
    await rm(file, { force: true });
  }
}
