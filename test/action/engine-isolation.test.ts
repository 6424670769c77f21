// The engine as a user of its own: the committed bundle run as a runner runs it, as root (as CI
// runs, and as container jobs do), against the protocol peer. A hostile command tries every way
// a process of the action's own user could reach the job's credentials and reports what it got;
// the same action run as a user without root or sudo cannot isolate the engine, says so, and
// refuses the run when the repository requires isolation.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blankedDescriptors, survivesExec } from '../../action/src/engines/inherited-fds.ts';
import {
  dropPrivileges,
  engineCommandLine,
  engineUsersIn,
  passwdEntry,
  sweepStaleEngineUsers,
} from '../../action/src/isolation/engine-user.ts';
import {
  chmodCalls,
  closeChanges,
  type DirEntry,
  originalModes,
  siblingChanges,
  traverseChanges,
} from '../../action/src/isolation/path-modes.ts';
import { findPrivilege, type Privilege } from '../../action/src/isolation/privilege.ts';
import { statusIsLiveOf, userMembers } from '../../action/src/isolation/user-processes.ts';
import { createRepo, type TempDir, tempDir } from './support/git-repo.ts';
import { killRunningBundles, LEAKED_FD, runBundle } from './support/run-bundle.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';
import { type RunnerUser, unprivilegedRunner } from './support/runner-user.ts';

const REAL_KEY = 'sk-ant-real-key-the-engine-must-not-find-5c1e';
const LEAKED = 'a secret behind a descriptor the runner leaked';

let tmp: TempDir;
let peer: RunnerApiPeer | undefined;
let runner: RunnerUser | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  killRunningBundles();
  await peer?.close();
  peer = undefined;
  runner?.remove();
  runner = null;
  tmp.remove();
});

type Result = { outcome: string; changes: { path: string }[]; report: { error: string | null } };

async function setUp(
  command: (out: string, peer: RunnerApiPeer) => string,
  isolation: 'preferred' | 'required' = 'preferred',
) {
  const repo = createRepo(tmp.path, { 'README.md': '# widgets\n' });
  const outside = join(tmp.path, 'outside');
  mkdirSync(outside);
  chmodSync(outside, 0o777);
  const spec = specFor(42, repo.sha, { isolation });
  const started = await startRunnerApiPeer({ taskId: 42, spec });
  peer = started;
  spec.engine.command = command(outside, started);
  return { repo, outside, peer: started };
}

/** `name=value` lines the hostile command wrote. */
function findings(outside: string): Record<string, string> {
  const text = readFileSync(join(outside, 'attack.txt'), 'utf8');
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
  );
}

describe('an isolated engine', () => {
  it('cannot read the action, the model key, the OIDC request token, the runner files or a leaked descriptor; has no groups, no sudo, no privileges', async () => {
    expect(process.getuid?.(), 'these tests run as root, as CI does').toBe(0);
    const runnerDir = join(tmp.path, 'runner');
    const fileCommands = join(runnerDir, 'commands');
    mkdirSync(fileCommands, { recursive: true });
    const setEnv = join(fileCommands, 'set_env');
    writeFileSync(setEnv, '');
    const { repo, outside, peer } = await setUp((out, started) => {
      const url = new URL(started.oidc.requestUrl);
      return `
r() { echo "$1=$2" >> ${out}/attack.txt; }
try() { if "$@" > /dev/null 2>&1; then echo read; else echo denied; fi; }
r parent-environ "$(try cat /proc/$PPID/environ)"
r parent-maps "$(try cat /proc/$PPID/maps)"
r parent-signal "$(try kill -0 $PPID)"
r environ-hits "$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null; done | grep -c -e ACTIONS_ID_TOKEN_REQUEST -e ${REAL_KEY} -e ghs_the-job-token)"
r runner-temp "$(try ls ${runnerDir}/temp)"
r runner-dir "$(try ls ${runnerDir})"
r file-command "$(if echo 'EVIL=1' >> ${setEnv} 2>/dev/null; then echo written; else echo denied; fi)"
r kept-file "$(try cat secret.json)"
r token-without-request-token "$(exec 3<>/dev/tcp/${url.hostname}/${url.port} && printf 'GET ${url.pathname}${url.search} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | tr -d '\\r')"
r uid "$(id -u)"
r groups "$(id -G)"
r gid "$(id -g)"
r no-new-privs "$(grep NoNewPrivs /proc/self/status | tr -dc 0-9)"
r capabilities "$(grep CapEff /proc/self/status | cut -f2)"
r sudo "$(if sudo -n true > /dev/null 2>&1; then echo root; else echo refused; fi)"
r leaked-descriptor "$(readlink /proc/$$/fd/${LEAKED_FD} || echo none)"
r home "$HOME"
echo work > work.txt
`;
    });
    // Left in the workspace by an earlier step, readable by its owner only (as google-github-actions/auth does).
    writeFileSync(join(repo.dir, 'secret.json'), '{"token":"do-not-read"}', { mode: 0o600 });
    const leaked = join(tmp.path, 'leaked.txt');
    writeFileSync(leaked, LEAKED, { mode: 0o600 });
    const leakedFd = openSync(leaked, 'r');
    const step = await runBundle({
      step: 'run',
      peer,
      workspace: repo.dir,
      runnerDir,
      env: { ANTHROPIC_API_KEY: REAL_KEY, GITHUB_ENV: setEnv },
      leakFd: leakedFd,
    });
    expect(step.code).toBe(0);
    const seen = findings(outside);
    expect(seen).toMatchObject({
      'parent-environ': 'denied',
      'parent-maps': 'denied',
      'parent-signal': 'denied',
      'environ-hits': '0',
      'runner-temp': 'denied',
      'runner-dir': 'denied',
      'file-command': 'denied',
      'kept-file': 'denied',
      'token-without-request-token': 'HTTP/1.1 401 Unauthorized',
      'no-new-privs': '1',
      capabilities: '0000000000000000',
      sudo: 'refused',
      'leaked-descriptor': '/dev/null',
    });
    expect(Number(seen.uid)).toBeGreaterThan(0);
    expect(seen.groups).toBe(seen.gid);
    expect(seen.home).toMatch(/^\/tmp\/agent-dispatch-engine-/);
    expect(readFileSync(setEnv, 'utf8')).toBe('');
    // The job log says so, the work came back, and the checkout is the action's user's again.
    expect(step.stdout).toMatch(
      /The engine runs as agent-dispatch-[0-9a-f]{8} \(uid \d+\), a user made for this run/,
    );
    expect(step.summary).toMatch(
      /\| Engine isolation \| separate user agent-dispatch-[0-9a-f]{8} \(uid \d+\), no sudo \|/,
    );
    const result = peer.results[0] as Result;
    expect(result.outcome).toBe('completed');
    expect(result.changes.map((c) => c.path).sort()).toEqual(['secret.json', 'work.txt']);
    expect(statSync(join(repo.dir, 'work.txt')).uid).toBe(0);
    expect(statSync(join(repo.dir, 'secret.json')).mode & 0o777).toBe(0o600);
    // Nothing of the engine's user is left. By its name: its uid and gid are free once it is gone,
    // and an engine run of another job on this machine may be given them at once.
    const user = /The engine runs as (agent-dispatch-[0-9a-f]{8}) \(uid (\d+)\)/.exec(step.stdout);
    expect(user?.[2]).toBe(seen.uid);
    expect(readFileSync('/etc/passwd', 'utf8').split('\n')).not.toContainEqual(
      expect.stringMatching(new RegExp(`^${user?.[1]}:`)),
    );
    expect(existsSync(seen.home ?? '/nonexistent')).toBe(false);
  }, 60_000);

  it('cannot read a file by its name beside the way to the checkout in the job’s home; its PATH there still works', async () => {
    // The job's home holds the workspace, as /home/runner holds /home/runner/work/….
    const jobHome = tmp.path;
    const { repo, peer } = await setUp(
      () => `
r() { echo "$1=$2" >> found.txt; }
try() { if "$@" > /dev/null 2>&1; then echo read; else echo denied; fi; }
r gitconfig "$(try cat ${jobHome}/.gitconfig)"
r docker "$(try cat ${jobHome}/.docker/config.json)"
r tool "$(hello-tool)"
`,
    );
    const token = 'ghs_tokenInAGlobalInsteadOf';
    writeFileSync(
      join(jobHome, '.gitconfig'),
      `[url "https://x-access-token:${token}@github.com/"]\n\tinsteadOf = https://github.com/\n`,
    );
    chmodSync(join(jobHome, '.gitconfig'), 0o644);
    mkdirSync(join(jobHome, '.docker'), { mode: 0o755 });
    writeFileSync(join(jobHome, '.docker/config.json'), '{"auths":{"ghcr.io":{"auth":"c2VjcmV0"}}}', {
      mode: 0o644,
    });
    mkdirSync(join(jobHome, '.local/bin'), { recursive: true, mode: 0o755 });
    chmodSync(join(jobHome, '.local'), 0o755);
    writeFileSync(join(jobHome, '.local/bin/hello-tool'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const homeMode = statSync(jobHome).mode & 0o7777;
    const step = await runBundle({
      step: 'run',
      peer,
      workspace: repo.dir,
      runnerDir: join(tmp.path, 'runner'),
      env: { HOME: jobHome, PATH: `${join(jobHome, '.local/bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    });
    expect(step.code, step.stderr).toBe(0);
    const found = Object.fromEntries(
      readFileSync(join(repo.dir, 'found.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('=')),
    );
    expect(found).toEqual({ gitconfig: 'denied', docker: 'denied', tool: 'hi' });
    // Every mode is given back.
    expect(statSync(join(jobHome, '.gitconfig')).mode & 0o777).toBe(0o644);
    expect(statSync(join(jobHome, '.docker')).mode & 0o777).toBe(0o755);
    expect(statSync(jobHome).mode & 0o7777).toBe(homeMode);
  }, 60_000);

  it('that links a file it was not given into the checkout has its work discarded', async () => {
    const { repo, outside, peer } = await setUp(
      (out) => `ln ${out}/shared.txt linked.txt; echo work > work.txt`,
    );
    // Writable by anyone, so the kernel lets the engine link it; but it is not the engine's.
    writeFileSync(join(outside, 'shared.txt'), 'owned by root');
    chmodSync(join(outside, 'shared.txt'), 0o666);
    const step = await runBundle({
      step: 'run',
      peer,
      workspace: repo.dir,
      runnerDir: join(tmp.path, 'runner'),
    });
    const result = peer.results[0] as Result;
    expect(result.outcome).toBe('failed');
    expect(result.changes).toEqual([]);
    expect(result.report.error).toContain('linked 1 file(s) into the checkout that it was not given');
    expect(step.code).toBe(1);
  }, 60_000);
});

/** The run step as a user that is not root and may not use sudo (the test's own user, when not root). */
function runAsUnprivileged(workspace: string, peer: RunnerApiPeer) {
  runner = unprivilegedRunner(tmp.path);
  return runBundle({
    step: 'run',
    peer,
    workspace,
    runnerDir: join(tmp.path, 'runner'),
    ...(runner ? { as: runner } : {}),
  });
}

describe('a runner that cannot isolate the engine', () => {
  it('says so in the log and the summary, and runs the engine as its own user', async () => {
    const { repo, outside, peer } = await setUp((out) => `id -u > ${out}/uid; echo work > work.txt`);
    const step = await runAsUnprivileged(repo.dir, peer);
    expect(step.code).toBe(0);
    expect(step.stdout).toMatch(
      /::warning::The engine is not isolated: the job's user \(uid \d+\) is not root and (the runner has no sudo|may not use sudo without a password)/,
    );
    expect(step.summary).toContain('| Engine isolation | **not isolated**:');
    expect(Number(readFileSync(join(outside, 'uid'), 'utf8'))).toBe(runner?.uid ?? process.getuid?.());
    expect((peer.results[0] as Result).outcome).toBe('completed');
  }, 60_000);

  it('refuses the run when the repository requires isolation, without starting the engine', async () => {
    const { repo, outside, peer } = await setUp((out) => `touch ${out}/ran`, 'required');
    const step = await runAsUnprivileged(repo.dir, peer);
    const result = peer.results[0] as Result;
    expect(result.outcome).toBe('failed');
    expect(result.report.error).toMatch(
      /^This repository requires engine isolation \(engine-isolation: required in \.github\/agent\.yml\), and this runner cannot provide it: .*The engine was not started\./,
    );
    expect(existsSync(join(outside, 'ran'))).toBe(false);
    expect(step.code).toBe(1);
  }, 60_000);
});

describe('isolation, piece by piece', () => {
  const tools = {
    setpriv: '/usr/bin/setpriv',
    useradd: '/usr/sbin/useradd',
    userdel: '/usr/sbin/userdel',
    chown: '/usr/bin/chown',
    chmod: '/usr/bin/chmod',
    rm: '/usr/bin/rm',
    kill: '/usr/bin/kill',
    env: '/usr/bin/env',
  };

  it('starts the engine through sudo and setpriv with every privilege dropped and exactly its environment', () => {
    const viaSudo: Privilege = { via: 'sudo', sudo: '/usr/bin/sudo', tools };
    expect(
      engineCommandLine(viaSudo, 997, 996, '/bin/bash', ['-c', 'make'], { PATH: '/usr/bin', HOME: '/tmp/h' }),
    ).toEqual([
      '/usr/bin/sudo',
      '-n',
      '--',
      ...dropPrivileges(tools, 997, 996),
      '/usr/bin/env',
      '-i',
      'PATH=/usr/bin',
      'HOME=/tmp/h',
      '/bin/bash',
      '-c',
      'make',
    ]);
    expect(dropPrivileges(tools, 997, 996)).toEqual([
      '/usr/bin/setpriv',
      '--reuid=997',
      '--regid=996',
      '--clear-groups',
      '--inh-caps=-all',
      '--ambient-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
    ]);
    const asRoot: Privilege = { via: 'root', sudo: null, tools };
    expect(engineCommandLine(asRoot, 997, 996, 'bash', [], {})[0]).toBe('/usr/bin/setpriv');
    expect(() => engineCommandLine(asRoot, 997, 996, '/odd=path/bash', [], {})).toThrow(/holds "="/);
  });

  it('reads the user useradd made, and which processes are still that user’s', () => {
    expect(
      passwdEntry(
        'root:x:0:0::/root:/bin/sh\nagent-dispatch-1:x:997:996::/tmp:/bin/sh\n',
        'agent-dispatch-1',
      ),
    ).toEqual({ uid: 997, gid: 996 });
    expect(passwdEntry('root:x:0:0::/root:/bin/sh\n', 'agent-dispatch-1')).toBeNull();
    expect(statusIsLiveOf('State:\tS (sleeping)\nUid:\t997\t997\t997\t997\n', 997)).toBe(true);
    expect(statusIsLiveOf('State:\tZ (zombie)\nUid:\t997\t997\t997\t997\n', 997)).toBe(false);
    expect(statusIsLiveOf('State:\tR (running)\nUid:\t0\t997\t0\t0\n', 997)).toBe(true);
    expect(statusIsLiveOf('State:\tR (running)\nUid:\t0\t0\t0\t0\n', 997)).toBe(false);
  });

  it('knows the users an engine run made by their name and comment, and no others', () => {
    const passwd = [
      'root:x:0:0:root:/root:/bin/bash',
      'agent-dispatch-1a2b3c4d:x:997:996:Agent Dispatch engine:/tmp/agent-dispatch-engine-x/engine/home:/bin/sh',
      'agent-dispatch-deploy:x:998:998:Agent Dispatch engine:/srv:/bin/sh',
      'agent-dispatch-0f0f0f0f:x:999:999:someone else:/srv:/bin/sh',
      'agent-dispatch-aaaaaaaa:x:0:0:Agent Dispatch engine:/root:/bin/sh',
      '',
    ].join('\n');
    expect(engineUsersIn(passwd)).toEqual([
      {
        user: 'agent-dispatch-1a2b3c4d',
        uid: 997,
        home: '/tmp/agent-dispatch-engine-x/engine/home',
      },
    ]);
  });

  it.runIf(process.getuid?.() === 0)(
    'removes the engine users a killed run left behind, and keeps one whose home exists or that still has a process',
    async () => {
      const privilege = await findPrivilege();
      if ('unavailable' in privilege) throw new Error(privilege.unavailable);
      const name = () => `agent-dispatch-${randomBytes(4).toString('hex')}`;
      const add = (user: string, home: string, comment = 'Agent Dispatch engine') =>
        execFileSync('useradd', [
          '--system',
          '--user-group',
          '--no-create-home',
          '--home-dir',
          home,
          '--comment',
          comment,
          user,
        ]);
      const exists = (user: string) =>
        readFileSync('/etc/passwd', 'utf8')
          .split('\n')
          .some((l) => l.startsWith(`${user}:`));
      const [left, live, running, foreign] = [name(), name(), name(), name()];
      const home = join(tmp.path, 'home');
      mkdirSync(home);
      add(left, join(tmp.path, 'gone', 'home'));
      add(live, home);
      // Its home exists until its process runs as it: a sweep beside this test (another engine
      // run, the other suite of test:stress) must never find it with neither.
      const runningHome = join(tmp.path, 'gone-too', 'home');
      mkdirSync(runningHome, { recursive: true });
      add(running, runningHome);
      add(foreign, join(tmp.path, 'gone', 'home'), 'not ours');
      const uid = passwdEntry(readFileSync('/etc/passwd', 'utf8'), running)?.uid;
      const sleeper = spawn(
        'setpriv',
        [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'sleep', '60'],
        {
          stdio: 'ignore',
        },
      );
      try {
        // `spawn` fires before setpriv has dropped to the user: wait until a process runs as it.
        while (userMembers(uid!).length === 0) {
          if (sleeper.exitCode !== null) throw new Error(`setpriv exited with ${sleeper.exitCode}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        rmSync(join(tmp.path, 'gone-too'), { recursive: true, force: true });
        const removed = await sweepStaleEngineUsers(privilege);
        // Judged by what is left, not by who removed it: a run beside this one (test:stress, two
        // runners on one machine) may sweep the same stale user first.
        for (const kept of [live, running, foreign]) expect(removed).not.toContain(kept);
        expect([exists(left), exists(live), exists(running), exists(foreign)]).toEqual([
          false,
          true,
          true,
          true,
        ]);
      } finally {
        sleeper.kill('SIGKILL');
        await new Promise((resolve) => sleeper.once('exit', resolve));
        // A sweep beside this test (the other suite's engine runs) may remove one first, so a
        // userdel that finds it gone is no failure.
        for (const user of [left, live, running, foreign])
          if (exists(user)) spawnSync('userdel', [user], { stdio: 'ignore' });
      }
    },
  );

  it('opens only search on the way to the checkout, and closes the runner’s directories', () => {
    const modes: Record<string, number> = {
      '/': 0o755,
      '/home': 0o755,
      '/home/runner': 0o750,
      '/home/runner/work': 0o755,
      '/home/runner/work/_temp': 0o755,
      '/home/runner/actions-runner': 0o755,
    };
    const modeOf = (dir: string) => modes[dir] ?? 0o755;
    const needed = ['/home/runner/work/widgets/widgets', '/tmp/agent-dispatch-engine-x/engine'];
    expect(traverseChanges(needed, modeOf)).toEqual([{ path: '/home/runner', from: 0o750, to: 0o751 }]);
    modes['/home/runner'] = 0o751;
    expect(
      closeChanges(
        [
          '/home/runner/work/_temp',
          '/home/runner',
          '/home/runner/actions-runner',
          '/home/runner/work/widgets/widgets',
        ],
        needed,
        modeOf,
      ),
    ).toEqual(
      [
        { path: '/home/runner/work/_temp', from: 0o755, to: 0o750 },
        { path: '/home/runner', from: 0o751, to: 0o751 & ~0o006 },
        { path: '/home/runner/actions-runner', from: 0o755, to: 0o750 },
      ].filter((change) => change.from !== change.to),
    );
  });

  it('closes what lies beside the way to the checkout in a directory it must pass, but not the way to PATH', () => {
    const entries: Record<string, DirEntry[]> = {
      '/home/runner': [
        { path: '/home/runner/.gitconfig', mode: 0o644, link: false },
        { path: '/home/runner/.docker', mode: 0o755, link: false },
        { path: '/home/runner/.local', mode: 0o755, link: false },
        { path: '/home/runner/.bashrc', mode: 0o640, link: false },
        { path: '/home/runner/linked', mode: 0o777, link: true },
        { path: '/home/runner/work', mode: 0o755, link: false },
      ],
    };
    const needed = ['/home/runner/work/widgets/widgets', '/tmp/agent-dispatch-engine-x/engine'];
    const changes = siblingChanges(
      ['/home/runner', '/home/runner/work/widgets/widgets', '/home/runner/actions-runner'],
      needed,
      ['/home/runner/.local/bin', '/usr/bin'],
      (dir) => entries[dir] ?? [],
    );
    expect(changes).toEqual([
      { path: '/home/runner/.gitconfig', from: 0o644, to: 0o640 },
      { path: '/home/runner/.docker', from: 0o755, to: 0o750 },
    ]);
  });

  it('sets modes with one chmod per mode, and gives every path back the mode it had first', () => {
    const applied = [
      { path: '/home/runner', from: 0o750, to: 0o751 },
      { path: '/home/runner/.gitconfig', from: 0o644, to: 0o640 },
      { path: '/home/runner/.docker', from: 0o755, to: 0o750 },
      { path: '/home/runner', from: 0o751, to: 0o751 },
    ];
    expect(chmodCalls(applied.slice(0, 3).map((c) => ({ path: c.path, mode: c.to })))).toEqual([
      ['751', '--', '/home/runner'],
      ['640', '--', '/home/runner/.gitconfig'],
      ['750', '--', '/home/runner/.docker'],
    ]);
    expect(chmodCalls(originalModes(applied))).toEqual([
      ['750', '--', '/home/runner'],
      ['644', '--', '/home/runner/.gitconfig'],
      ['755', '--', '/home/runner/.docker'],
    ]);
    const many = Array.from({ length: 450 }, (_, i) => ({ path: `/d/${i}`, mode: 0o700 }));
    expect(chmodCalls(many).map((args) => args.length - 2)).toEqual([200, 200, 50]);
  });

  it('never closes the root, a directory right under it or a shared temp directory', () => {
    const modeOf = () => 0o755;
    expect(closeChanges(['/', '/root', '/home', '/tmp', '/var/tmp'], ['/work/repo'], modeOf)).toEqual([]);
  });

  it('points descriptors inherited without close-on-exec at /dev/null in the engine', () => {
    expect(survivesExec('pos:\t0\nflags:\t0100002\nmnt_id:\t20\n')).toBe(true);
    expect(survivesExec('pos:\t0\nflags:\t02100002\nmnt_id:\t20\n')).toBe(false);
    expect(blankedDescriptors([3, 6], 9)).toEqual([9, 'ignore', 'ignore', 9]);
    expect(blankedDescriptors([], 9)).toEqual([]);
  });
});
