// Stops what a bench started when it is interrupted (Ctrl-C, SIGTERM): registered stop functions, newest first, then exit.
const stops: Array<() => Promise<void>> = [];
let installed = false;

/** Registers `stop` for an interrupt; returns a function that unregisters it (call it after a normal stop). */
export function onInterrupt(stop: () => Promise<void>): () => void {
  stops.push(stop);
  if (!installed) {
    installed = true;
    const handler = (signal: NodeJS.Signals) => {
      console.error(`\n${signal}: stopping the servers...`);
      const all = [...stops].reverse();
      const forced = setTimeout(() => process.exit(130), 30_000);
      forced.unref();
      void (async () => {
        for (const s of all) await s().catch(() => undefined);
        process.exit(130);
      })();
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  }
  return () => {
    const i = stops.indexOf(stop);
    if (i >= 0) stops.splice(i, 1);
  };
}
