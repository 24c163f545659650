import { defineConfig } from 'vitest/config';

// Lambda runs nodejs22.x; `npm test` brings Node 22 as the `node` dev dependency and puts it first on PATH.
if (Number(process.versions.node.split('.')[0]) < 22) {
  throw new Error(`tests need Node 22 or newer, this is ${process.version}: run them with \`npm test\``);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/per-file-setup.ts'],
    pool: 'forks',
    // Test files spend much of their time waiting on moto (a process of its own per worker): three workers keep
    // two cores busy (measured: 2 → 82 s, 3 → 77 s, 4 → 82 s on the 2-core machine).
    maxWorkers: 3,
    // A test driving Chromium through several console pages takes seconds when idle, far longer on a loaded
    // 2-core machine; the timeout only catches hangs.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
