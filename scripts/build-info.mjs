// Records the commit being built in dist/build-info.json for GET /version. Never fails the build:
// outside a git checkout (a Docker context without .git) the file says nothing and GIT_COMMIT
// at run time fills in.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

let commit;
try {
  commit =
    process.env.GIT_COMMIT ||
    execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim() ||
    undefined;
} catch {
  commit = undefined;
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build-info.json', `${JSON.stringify(commit ? { commit } : {})}\n`);
