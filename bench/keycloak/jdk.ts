// Picks a JAVA_HOME with Java >= 21 for Keycloak 26 (Temurin 25 when present, else any JDK under /usr/lib/jvm).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const JVM_DIR = '/usr/lib/jvm';
const PREFERRED = join(JVM_DIR, 'temurin-25-jdk-amd64');
const MIN_FEATURE = 21;

/** Feature version of a JDK from its `release` file (JAVA_VERSION="25.0.1" -> 25), or 0. */
function featureVersion(home: string): number {
  try {
    const release = readFileSync(join(home, 'release'), 'utf8');
    const m = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(release);
    if (!m) return 0;
    // Java 8 and older report "1.8"; anything that old is below the minimum anyway.
    return m[1] === '1' ? Number(m[2] ?? 0) : Number(m[1]);
  } catch {
    return 0;
  }
}

function usable(home: string): boolean {
  return existsSync(join(home, 'bin', 'java')) && featureVersion(home) >= MIN_FEATURE;
}

export function findJavaHome(): string {
  if (usable(PREFERRED)) return PREFERRED;
  const candidates = existsSync(JVM_DIR)
    ? readdirSync(JVM_DIR)
        .map((name) => join(JVM_DIR, name))
        .filter(usable)
        .sort((a, b) => featureVersion(b) - featureVersion(a))
    : [];
  const best = candidates[0];
  if (!best) {
    throw new Error(
      `keycloak: no JDK >= ${MIN_FEATURE} found (looked for ${PREFERRED} and under ${JVM_DIR}); Keycloak 26 needs Java 21+, install e.g. a Temurin 21/25 JDK`,
    );
  }
  return best;
}
