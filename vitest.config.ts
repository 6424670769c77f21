import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share one PostgreSQL server (each file gets its own database) and spawn
    // git, node and Postgres processes: two cores do not gain from more parallel files.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/install/**'],
          sequence: { groupOrder: 0 },
        },
      },
      // The install tests run `npm ci` (the whole tree, and production dependencies) in fresh
      // directories: hundreds of MB of disk writes that would slow every test beside them. They
      // run after the rest, on their own.
      {
        extends: true,
        test: { name: 'install', include: ['test/install/**/*.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
