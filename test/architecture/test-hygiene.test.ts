// Two rules the suite's flakes gave (docs/testing.md, "A suite that never flakes"), held as tests
// because a violation passes on a quiet machine and fails one run in twenty on a loaded one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TESTS = readdirSync(path.join(ROOT, 'test'), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the suite itself', () => {
  it('opens its own Postgres connections only through testPool() and testClient()', () => {
    // Without an 'error' listener a connection the server cuts is an uncaught exception, which
    // Vitest prints with the client attached: the password of the test server included.
    const opening = TESTS.filter((file) => file !== 'test/support/database.ts').filter((file) =>
      /new pg\.(?:Pool|Client)\(|new (?:Pool|Client)\(/.test(read(file)),
    );
    expect(opening).toEqual([]);
  });

  it('names no port by listening on 0 and closing (freePort): reservedPort() does not race', () => {
    const racing = TESTS.filter((file) => /free-port\.ts'/.test(read(file)));
    expect(racing).toEqual([]);
  });
});
