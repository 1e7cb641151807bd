import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface VersionInfo {
  version: string;
  commit?: string;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The package.json above this file: the repository's, or the image's /app/package.json. */
function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const version = readJson(file)?.version;
      if (typeof version === 'string') return version;
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/**
 * What is running: the package version and, when known, the commit (GIT_COMMIT at run time, else
 * what `npm run build` recorded in dist/build-info.json). Read once; never throws.
 */
export function readVersionInfo(
  env: Record<string, string | undefined> = process.env,
): VersionInfo {
  const built = readJson(join(__dirname, '..', '..', 'build-info.json'))?.commit;
  const commit = env.GIT_COMMIT || (typeof built === 'string' ? built : undefined);
  return commit ? { version: packageVersion(), commit } : { version: packageVersion() };
}
