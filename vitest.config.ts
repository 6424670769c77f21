import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share one PostgreSQL server (each file gets its own database) and spawn
    // git, node and Postgres processes: two cores do not gain from more parallel files.
    maxWorkers: 2,
    pool: 'forks',
  },
});
