// Agent Dispatch action, bundled by scripts/build-action.ts from action/src.
// Do not edit: change the source and run `npm run build:action`.

// action/src/main.ts
import { readFileSync as readFileSync3 } from "node:fs";

// action/src/action-error.ts
var ActionError = class extends Error {
  code;
  /** The same call may succeed if tried again (network trouble, a busy server). */
  transient;
  constructor(code, message, options) {
    super(message, options);
    this.name = "ActionError";
    this.code = code;
    this.transient = options?.transient ?? false;
  }
};
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

// action/src/engines/run-process-tree.ts
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
var liveGroups = /* @__PURE__ */ new Set();
var MAX_TIMER_MS = 2 ** 31 - 1;
function killAllProcessTrees() {
  for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
}
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
  }
}
function groupMembers(pgid) {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && fields[0] !== "X" && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}
var delay = (ms) => new Promise((resolve2) => setTimeout(resolve2, ms));
async function atMost(promise, ms) {
  let timer;
  await Promise.race([promise, new Promise((resolve2) => timer = setTimeout(resolve2, ms))]);
  clearTimeout(timer);
}
async function waitUntilEmpty(pgid, ms) {
  const until = Date.now() + ms;
  for (; ; ) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= until) return false;
    await delay(50);
  }
}
async function stopGroup(pgid, graceMs) {
  const running = groupMembers(pgid).length;
  if (running === 0) return 0;
  signalGroup(pgid, "SIGTERM");
  if (!await waitUntilEmpty(pgid, graceMs)) {
    signalGroup(pgid, "SIGKILL");
    await waitUntilEmpty(pgid, 5e3);
  }
  return running;
}
async function runProcessTree(options) {
  const child = spawn(options.file, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    // its own process group, so the whole tree can be signalled at once
    stdio: ["ignore", "pipe", "pipe"]
  });
  const closed = new Promise((resolve2) => child.once("close", () => resolve2()));
  child.stdout.on("data", (chunk) => options.output.stdout(chunk));
  child.stderr.on("data", (chunk) => options.output.stderr(chunk));
  let timer;
  let timedOut = false;
  let stopping;
  const ended = await new Promise(
    (resolve2) => {
      child.once("error", (error) => resolve2({ error }));
      if (child.pid === void 0) return;
      const pgid2 = child.pid;
      liveGroups.add(pgid2);
      child.once("exit", (code, signal) => resolve2({ code, signal }));
      timer = setTimeout(
        () => {
          timedOut = true;
          stopping = stopGroup(pgid2, options.graceMs);
        },
        Math.min(options.timeoutMs, MAX_TIMER_MS)
      );
    }
  );
  clearTimeout(timer);
  if ("error" in ended) {
    return { exitCode: null, signal: null, timedOut: false, spawnError: ended.error.message, leftovers: 0 };
  }
  const pgid = child.pid;
  if (stopping) await stopping;
  const leftovers = await stopGroup(pgid, options.graceMs);
  liveGroups.delete(pgid);
  await atMost(closed, 2e3);
  child.stdout.destroy();
  child.stderr.destroy();
  return { exitCode: ended.code, signal: ended.signal, timedOut, spawnError: null, leftovers };
}

// action/src/github-runner/file-commands.ts
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
function formatOutput(name, value) {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name}: its value contains the delimiter`);
  }
  return `${name}<<${delimiter}
${value}
${delimiter}
`;
}
function createOutputs(env) {
  const file = env.GITHUB_OUTPUT;
  return {
    set(name, value) {
      if (file) appendFileSync(file, formatOutput(name, value));
      else process.stdout.write(`(no GITHUB_OUTPUT) output ${name}=${value}
`);
    }
  };
}
function appendSummary(env, markdown) {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}
`);
}

// action/src/runner-api/retry.ts
var DEFAULT_RETRY_POLICY = {
  maxAttempts: 6,
  baseDelayMs: 1e3,
  maxDelayMs: 16e3,
  maxRetryAfterMs: 3e4
};
function isRetryableStatus(status) {
  return status === 425 || status === 429 || status >= 500;
}
function backoffDelayMs(failedAttempts, policy, random, retryAfterMs) {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  const jittered = step / 2 + random() * (step / 2);
  if (retryAfterMs === void 0) return Math.round(jittered);
  return Math.round(Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs)));
}
function parseRetryAfter(value, now) {
  if (value === null || value.trim() === "") return void 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1e3;
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function sleep(ms) {
  return new Promise((resolve2) => setTimeout(resolve2, ms));
}
async function withRetry(operation, options) {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || attempt >= policy.maxAttempts) throw error;
      const delay2 = backoffDelayMs(attempt, policy, random, decision.retryAfterMs);
      options.onRetry?.(decision.reason, delay2, attempt + 1);
      await wait(delay2);
    }
  }
}

// action/src/github-runner/id-token.ts
function createIdTokenRequester(env, fetchImpl = fetch) {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  return async (audience) => {
    if (!requestUrl || !requestToken) {
      throw new ActionError(
        "no-id-token",
        "The job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job `permissions: { contents: read, id-token: write }` as in workflows-templates/agent.yml."
      );
    }
    const url = new URL(requestUrl);
    url.searchParams.set("audience", audience);
    let response;
    try {
      response = await fetchImpl(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" },
        signal: AbortSignal.timeout(3e4)
      });
    } catch (error) {
      throw new ActionError(
        "id-token-failed",
        `The runner's OIDC token service did not answer: ${errorMessage(error)}`,
        {
          cause: error,
          transient: true
        }
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ActionError(
        "id-token-failed",
        `The runner refused to issue an OIDC token (HTTP ${response.status}): ${text.slice(0, 300)}`,
        { transient: isRetryableStatus(response.status) }
      );
    }
    let value;
    try {
      value = JSON.parse(text).value;
    } catch {
      value = void 0;
    }
    if (typeof value !== "string" || value === "") {
      throw new ActionError("id-token-failed", "The runner answered the OIDC token request without a token.");
    }
    return value;
  };
}

// action/src/github-runner/workflow-commands.ts
import { randomUUID as randomUUID2 } from "node:crypto";
function escapeData(value) {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function createRunnerLog(write = (text) => process.stdout.write(text)) {
  const command = (name, message) => write(`::${name}::${escapeData(message)}
`);
  return {
    info: (message) => write(`${message}
`),
    warning: (message) => command("warning", message),
    error: (message) => command("error", message),
    mask: (value) => {
      if (value !== "") command("add-mask", value);
    },
    group: (title) => command("group", title),
    endGroup: () => write("::endgroup::\n")
  };
}
function stopCommands(write) {
  const token = `agent-dispatch-${randomUUID2()}`;
  write(`::stop-commands::${token}
`);
  return { resume: () => write(`::${token}::
`) };
}

// action/src/inputs.ts
import { isAbsolute, resolve } from "node:path";
var STEPS = ["prepare", "run"];
function input(env, name) {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function parseInputs(env, event) {
  const problems = [];
  const step = input(env, "step");
  if (!STEPS.includes(step)) {
    problems.push(
      step === "" ? 'input "step" is required: use "prepare" (before actions/checkout) or "run" (after it)' : `input "step" is "${step}": it must be "prepare" or "run"`
    );
  }
  const appUrl = input(env, "app-url");
  if (appUrl === "") {
    problems.push(
      `input "app-url" is required: the App's public URL (the template reads it from the repository variable AGENT_DISPATCH_URL — is that variable set?)`
    );
  } else if (!isHttpUrl(appUrl)) {
    problems.push(
      `input "app-url" is "${appUrl}": it must be an http(s) URL such as https://agent.example.com`
    );
  }
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const directory = input(env, "working-directory") || ".";
  const workingDirectory = isAbsolute(directory) ? directory : resolve(workspace, directory);
  const taskId = readTaskId(env, event, problems);
  if (problems.length > 0) throw new ActionError("bad-input", problems.join("\n"));
  return { step, appUrl, workingDirectory, taskId: taskId ?? 0 };
}
function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}
var TASK_ID = /^[1-9][0-9]{0,15}$/;
function readTaskId(env, event, problems) {
  const eventName = env.GITHUB_EVENT_NAME;
  if (eventName !== void 0 && eventName !== "workflow_dispatch") {
    problems.push(
      `the workflow was started by "${eventName}": Agent Dispatch jobs run only on workflow_dispatch from the App`
    );
    return void 0;
  }
  const inputs = typeof event === "object" && event !== null ? event.inputs : void 0;
  const raw = typeof inputs === "object" && inputs !== null ? inputs.task_id : void 0;
  if (raw === void 0) {
    problems.push(
      'the workflow_dispatch event has no "task_id" input (GITHUB_EVENT_PATH → inputs.task_id): declare it in the workflow and let the App dispatch the run'
    );
    return void 0;
  }
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  const id = Number(text);
  if (!TASK_ID.test(text) || !Number.isSafeInteger(id)) {
    problems.push(
      `the workflow_dispatch input "task_id" is ${JSON.stringify(raw)}: it must be a positive integer`
    );
    return void 0;
  }
  return id;
}

// action/src/runner-api/task-spec.ts
var Reader = class {
  problems = [];
  object(value, field) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
    this.problems.push(`${field} must be an object`);
    return {};
  }
  string(value, field) {
    if (typeof value === "string") return value;
    this.problems.push(`${field} must be a string`);
    return "";
  }
  optionalString(value, field) {
    return value === void 0 || value === null ? null : this.string(value, field);
  }
  number(value, field, check, what) {
    if (typeof value === "number" && Number.isFinite(value) && check(value)) return value;
    this.problems.push(`${field} must be ${what}`);
    return 0;
  }
  optionalNumber(value, field) {
    if (value === void 0 || value === null) return null;
    return this.number(value, field, (n) => n >= 0, "a number ≥ 0 or null");
  }
};
var positiveInteger = (n) => Number.isSafeInteger(n) && n > 0;
var SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
function parseTaskSpec(json, expectedTaskId) {
  const r = new Reader();
  const root = r.object(json, "spec");
  const task = r.object(root.task, "task");
  const checkout = r.object(root.checkout, "checkout");
  const engine = r.object(root.engine, "engine");
  const limits = r.object(root.limits, "limits");
  const spec = {
    task: {
      id: r.number(task.id, "task.id", positiveInteger, "a positive integer"),
      attempt: task.attempt === void 0 ? 1 : r.number(task.attempt, "task.attempt", positiveInteger, "a positive integer"),
      repository: r.string(task.repository, "task.repository"),
      repositoryId: r.number(task.repositoryId, "task.repositoryId", positiveInteger, "a positive integer"),
      issueNumber: task.issueNumber === void 0 || task.issueNumber === null ? null : r.number(task.issueNumber, "task.issueNumber", positiveInteger, "a positive integer"),
      pullRequest: task.pullRequest === true,
      requester: task.requester === void 0 ? "" : r.string(task.requester, "task.requester"),
      htmlUrl: r.optionalString(task.htmlUrl, "task.htmlUrl")
    },
    checkout: {
      sha: r.string(checkout.sha, "checkout.sha"),
      branch: r.optionalString(checkout.branch, "checkout.branch")
    },
    engine: {
      name: r.string(engine.name, "engine.name"),
      command: r.optionalString(engine.command, "engine.command"),
      model: r.optionalString(engine.model, "engine.model"),
      version: r.optionalString(engine.version, "engine.version")
    },
    prompt: r.string(root.prompt, "prompt"),
    limits: {
      timeoutMinutes: r.number(limits.timeoutMinutes, "limits.timeoutMinutes", (n) => n > 0, "a number > 0"),
      maxTurns: r.optionalNumber(limits.maxTurns, "limits.maxTurns"),
      maxCostUsd: r.optionalNumber(limits.maxCostUsd, "limits.maxCostUsd"),
      maxFiles: r.optionalNumber(limits.maxFiles, "limits.maxFiles"),
      maxFileBytes: r.optionalNumber(limits.maxFileBytes, "limits.maxFileBytes"),
      maxResultBytes: r.number(
        limits.maxResultBytes,
        "limits.maxResultBytes",
        positiveInteger,
        "a positive integer"
      )
    }
  };
  if (spec.checkout.sha !== "" && !SHA.test(spec.checkout.sha)) {
    r.problems.push("checkout.sha must be a full commit id (40 or 64 lower-case hex digits)");
  }
  if (r.problems.length === 0 && spec.task.id !== expectedTaskId) {
    r.problems.push(`task.id is ${spec.task.id} but this job runs task ${expectedTaskId}`);
  }
  if (r.problems.length > 0) {
    throw new ActionError(
      "bad-spec",
      `The App's task spec is not one this action understands (are the App and the action of matching versions?):
- ${r.problems.join("\n- ")}`
    );
  }
  return spec;
}

// action/src/runner-api/runner-api-client.ts
var AppRefusal = class extends ActionError {
  status;
  errorCode;
  retryAfterMs;
  constructor(status, errorCode, message, retryAfterMs) {
    super("app-refused", message, { transient: isRetryableStatus(status) });
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfterMs = retryAfterMs;
  }
};
var REQUEST_TIMEOUT_MS = 12e4;
function createRunnerApi(options) {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const base = `${options.appUrl.replace(/\/+$/, "")}/api/runner/v1/tasks/${options.taskId}`;
  async function once(method, path, body) {
    const token = await options.tokens.get();
    const where = `${method} ${new URL(base + path).pathname}`;
    let response;
    try {
      response = await fetchImpl(base + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          "user-agent": "agent-dispatch-action",
          ...body === void 0 ? {} : { "content-type": "application/json" }
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
      });
    } catch (error) {
      throw new ActionError(
        "app-unreachable",
        `${where}: the App did not answer (${describeNetworkError(error)})`,
        {
          cause: error,
          transient: true
        }
      );
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
      if (text === "") return void 0;
      try {
        return JSON.parse(text);
      } catch {
        throw new ActionError(
          "bad-spec",
          `${where}: the App answered ${response.status} with a body that is not JSON`
        );
      }
    }
    const { code, message } = readAppError(text);
    throw new AppRefusal(
      response.status,
      code,
      `${where}: the App answered ${response.status}${code ? ` ${code}` : ""}${message ? ` — ${message}` : ""}`,
      parseRetryAfter(response.headers.get("retry-after"), now())
    );
  }
  function call(method, path, body) {
    const text = body === void 0 ? void 0 : JSON.stringify(body);
    return withRetry(() => once(method, path, text), {
      ...options.retry,
      classify: (error) => error instanceof ActionError && error.transient ? {
        retry: true,
        reason: error.message,
        retryAfterMs: error instanceof AppRefusal ? error.retryAfterMs : void 0
      } : { retry: false },
      onRetry: (reason, delay2, attempt) => options.log.warning(`${reason}; try ${attempt} in ${(delay2 / 1e3).toFixed(1)} s`)
    });
  }
  return {
    async getSpec() {
      return parseTaskSpec(await call("GET", "/spec"), options.taskId);
    },
    async postEvent(event) {
      await call("POST", "/events", event);
    },
    async postResult(result) {
      const answer = await call("POST", "/result", result);
      return { state: typeof answer?.state === "string" ? answer.state : "unknown" };
    },
    async getTask() {
      const answer = await call("GET", "");
      return {
        id: typeof answer?.id === "number" ? answer.id : options.taskId,
        state: typeof answer?.state === "string" ? answer.state : "unknown",
        prUrl: typeof answer?.prUrl === "string" ? answer.prUrl : null,
        error: typeof answer?.error === "string" ? answer.error : null
      };
    }
  };
}
function readAppError(text) {
  try {
    const error = JSON.parse(text).error;
    return {
      code: typeof error?.code === "string" ? error.code : null,
      message: typeof error?.message === "string" ? error.message : null
    };
  } catch {
    return { code: null, message: text.trim().slice(0, 300) || null };
  }
}
function describeNetworkError(error) {
  if (error instanceof Error && error.name === "TimeoutError")
    return `no answer within ${REQUEST_TIMEOUT_MS / 1e3} s`;
  const cause = error instanceof Error ? error.cause : void 0;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}

// action/src/runner-api/token-source.ts
var TOKEN_REFRESH_MARGIN_MS = 6e4;
var FALLBACK_LIFETIME_MS = 4 * 6e4;
function tokenExpiry(jwt) {
  const payload = jwt.split(".")[1];
  if (payload === void 0) return void 0;
  try {
    const exp = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1e3 : void 0;
  } catch {
    return void 0;
  }
}
function createTokenSource(options) {
  const now = options.now ?? Date.now;
  let cached;
  return {
    async get() {
      if (cached && cached.expiresAt - now() > TOKEN_REFRESH_MARGIN_MS) return cached.token;
      const token = await withRetry(() => options.request(options.audience), {
        ...options.retry,
        classify: (error) => error instanceof ActionError && error.transient ? { retry: true, reason: error.message } : { retry: false },
        onRetry: (reason, delay2) => options.log.warning(
          `OIDC token request failed, retrying in ${Math.ceil(delay2 / 1e3)} s: ${reason}`
        )
      });
      options.log.mask(token);
      cached = { token, expiresAt: tokenExpiry(token) ?? now() + FALLBACK_LIFETIME_MS };
      return token;
    }
  };
}

// action/src/steps/prepare-step.ts
async function prepareStep(ctx) {
  const spec = await ctx.api.getSpec();
  const { task } = spec;
  const where = `${task.repository}${task.issueNumber === null ? "" : `#${task.issueNumber}`}`;
  ctx.log.info(
    `Agent Dispatch task ${task.id} (attempt ${task.attempt}) for ${where}, requested by ${task.requester || "unknown"}: engine ${spec.engine.name}, starting from ${spec.checkout.sha}`
  );
  ctx.outputs.set("sha", spec.checkout.sha);
  ctx.outputs.set("task-id", String(task.id));
  return 0;
}

// action/src/steps/run-step.ts
import { mkdirSync as mkdirSync2, mkdtempSync, rmSync as rmSync2 } from "node:fs";
import { tmpdir } from "node:os";
import { join as join4, relative } from "node:path";

// action/src/changes/checkout-snapshot.ts
import { copyFileSync, existsSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";

// action/src/changes/hardened-git.ts
import { spawn as spawn2 } from "node:child_process";
var OVERRIDES = [
  "core.fsmonitor=false",
  // no fsmonitor hook command
  "core.hooksPath=/dev/null",
  // no hooks (git add runs post-index-change)
  "core.untrackedCache=false",
  "core.attributesFile=/dev/null",
  "core.pager=cat",
  "protocol.allow=never",
  // no transport at all: no lazy fetches, no ssh/http helpers
  "diff.external=",
  // belt and braces with --no-ext-diff
  "gc.auto=0",
  "maintenance.auto=false",
  "advice.addEmbeddedRepo=false",
  // Job containers run as root on a checkout the runner user owns. Ownership checks guard
  // against reading an untrusted .git/config; collection never reads the checkout's config.
  "safe.directory=*"
];
var GIT_HARDENING_ARGS = OVERRIDES.flatMap((setting) => ["-c", setting]);
function hardenedGitEnvironment(home, extra = {}) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    LANG: "C",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_NO_LAZY_FETCH: "1",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_LITERAL_PATHSPECS: "1",
    ...extra
  };
}
var GitOutputTooLarge = class extends Error {
  limit;
  constructor(limit) {
    super(`git output exceeded ${limit} bytes`);
    this.limit = limit;
  }
};
function git(args, call) {
  return new Promise((resolve2, reject) => {
    const child = spawn2("git", [...GIT_HARDENING_ARGS, ...args], {
      cwd: call.cwd,
      env: call.env,
      stdio: ["pipe", "pipe", "pipe"]
    });
    const out = [];
    const err = [];
    let size = 0;
    let tooLarge = false;
    child.stdout.on("data", (chunk) => {
      size += chunk.length;
      if (call.maxOutputBytes !== void 0 && size > call.maxOutputBytes) {
        tooLarge = true;
        child.kill("SIGKILL");
        return;
      }
      out.push(chunk);
    });
    child.stderr.on("data", (chunk) => err.push(chunk));
    child.once(
      "error",
      (error) => reject(
        new ActionError(
          "git-unavailable",
          `git could not be started (is it installed on the runner?): ${error.message}`,
          {
            cause: error
          }
        )
      )
    );
    child.once("close", (code) => {
      if (tooLarge) return reject(new GitOutputTooLarge(call.maxOutputBytes ?? 0));
      if (code === 0) return resolve2(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString("utf8").trim().slice(0, 1e3);
      reject(new ActionError("git-failed", `git ${args[0]} failed (exit ${code}): ${stderr}`));
    });
    child.stdin.on("error", () => {
    });
    child.stdin.end(call.input ?? "");
  });
}

// action/src/changes/checkout-snapshot.ts
async function snapshotCheckout(options) {
  const env = hardenedGitEnvironment(options.stateDir);
  const ask = async (...args) => (await git(["rev-parse", ...args], { cwd: options.workingDirectory, env })).toString("utf8").trim();
  let head;
  let workTree;
  let commonDir;
  let indexPath;
  try {
    workTree = await ask("--show-toplevel");
    commonDir = await ask("--path-format=absolute", "--git-common-dir");
    indexPath = await ask("--path-format=absolute", "--git-path", "index");
    head = await ask("--verify", "HEAD^{commit}");
  } catch (error) {
    if (error instanceof ActionError && error.code === "git-unavailable") throw error;
    throw new ActionError(
      "checkout-mismatch",
      `${options.workingDirectory} is not a git checkout with a commit: put actions/checkout before the "run" step (and check working-directory).`,
      { cause: error }
    );
  }
  if (head !== options.baseSha) {
    throw new ActionError(
      "checkout-mismatch",
      `The checkout is at ${head} but the task starts from ${options.baseSha}: check out \`ref: \${{ steps.task.outputs.sha }}\` as in workflows-templates/agent.yml.`
    );
  }
  let index = null;
  if (existsSync(indexPath)) {
    index = join(options.stateDir, "checkout-index");
    copyFileSync(indexPath, index);
    const { atime, mtime } = statSync(indexPath);
    utimesSync(index, atime, mtime);
  }
  return {
    workTree,
    objectsDir: join(commonDir, "objects"),
    index,
    baseSha: options.baseSha,
    stateDir: options.stateDir
  };
}

// action/src/changes/collect-changes.ts
import { copyFileSync as copyFileSync2, mkdirSync, statSync as statSync2, utimesSync as utimesSync2, writeFileSync } from "node:fs";
import { join as join2 } from "node:path";
var GITLINK = "160000";
var PER_CHANGE_OVERHEAD = 80;
var utf8 = new TextDecoder("utf-8", { fatal: true });
function decodePath(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ActionError(
      "git-failed",
      `A changed path is not valid UTF-8 (${JSON.stringify(bytes.toString("latin1"))}); rename it and try again.`
    );
  }
}
function parseRawDiff(output) {
  const entries = [];
  let position = 0;
  while (position < output.length) {
    const metaEnd = output.indexOf(0, position);
    const pathEnd = output.indexOf(0, metaEnd + 1);
    if (metaEnd < 0 || pathEnd < 0)
      throw new ActionError("git-failed", "git diff --raw printed an incomplete record");
    const [, newMode, , newOid, status] = output.toString("latin1", position + 1, metaEnd).split(" ");
    const path = decodePath(output.subarray(metaEnd + 1, pathEnd));
    position = pathEnd + 1;
    if (newMode === void 0 || newOid === void 0 || status === void 0) {
      throw new ActionError("git-failed", `git diff --raw printed a record it cannot read for ${path}`);
    }
    const letter = status[0];
    if (letter === "D") entries.push({ path, status: "deleted", mode: "", oid: "" });
    else if (letter === "A") entries.push({ path, status: "added", mode: newMode, oid: newOid });
    else if (letter === "M" || letter === "T")
      entries.push({ path, status: "modified", mode: newMode, oid: newOid });
    else throw new ActionError("git-failed", `git diff reported status ${status} for ${path}`);
  }
  return entries;
}
function parseCatFileBatch(output) {
  const objects = /* @__PURE__ */ new Map();
  let position = 0;
  while (position < output.length) {
    const headerEnd = output.indexOf(10, position);
    if (headerEnd < 0) throw new ActionError("git-failed", "git cat-file printed an incomplete header");
    const [oid, type, size] = output.toString("latin1", position, headerEnd).split(" ");
    if (oid === void 0 || type === "missing" || size === void 0) {
      throw new ActionError(
        "git-failed",
        `git cannot read object ${oid}: the checkout's object store is damaged`
      );
    }
    const start = headerEnd + 1;
    objects.set(oid, output.subarray(start, start + Number(size)));
    position = start + Number(size) + 1;
  }
  return objects;
}
function base64Length(bytes) {
  return Math.ceil(bytes / 3) * 4;
}
function resultTooLarge(bytes, limit, files) {
  return new ActionError(
    "result-too-large",
    `The change (${files} file${files === 1 ? "" : "s"}, about ${bytes} bytes encoded) is larger than the task's limit of ${limit} bytes (limits.maxResultBytes), so it was not sent. Ask for a smaller change, or make sure generated files are in .gitignore.`
  );
}
async function collectChanges(snapshot, options) {
  const gitDir = join2(snapshot.stateDir, "collect.git");
  const index = join2(snapshot.stateDir, "collect-index");
  const home = join2(snapshot.stateDir, "home");
  mkdirSync(home, { recursive: true });
  const objectFormat = snapshot.baseSha.length === 64 ? "sha256" : "sha1";
  await git(["init", "--quiet", "--bare", `--object-format=${objectFormat}`, gitDir], {
    cwd: snapshot.stateDir,
    env: hardenedGitEnvironment(home)
  });
  writeFileSync(join2(gitDir, "objects", "info", "alternates"), `${snapshot.objectsDir}
`);
  const env = hardenedGitEnvironment(home, {
    GIT_DIR: gitDir,
    GIT_WORK_TREE: snapshot.workTree,
    GIT_INDEX_FILE: index
  });
  const run = (args, extra = {}) => git(["-c", "core.bare=false", ...args], { cwd: snapshot.workTree, env, ...extra });
  let staged = false;
  if (snapshot.index !== null) {
    copyFileSync2(snapshot.index, index);
    const { atime, mtime } = statSync2(snapshot.index);
    utimesSync2(index, atime, mtime);
    staged = await run(["add", "--all"]).then(
      () => true,
      () => false
    );
  }
  if (!staged) {
    await run(["read-tree", snapshot.baseSha]);
    await run(["add", "--all"]);
  }
  const diffArgs = ["--cached", "--no-renames", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none"];
  const entries = parseRawDiff(
    await run(["diff", ...diffArgs, "--raw", "-z", "--no-abbrev", snapshot.baseSha, "--"])
  );
  const blobs = [
    ...new Set(entries.filter((e) => e.status !== "deleted" && e.mode !== GITLINK).map((e) => e.oid))
  ];
  const sizes = /* @__PURE__ */ new Map();
  if (blobs.length > 0) {
    const checked = (await run(["cat-file", "--batch-check"], { input: `${blobs.join("\n")}
` })).toString(
      "latin1"
    );
    for (const line of checked.split("\n")) {
      const [oid, , size] = line.split(" ");
      if (oid && size) sizes.set(oid, Number(size));
    }
  }
  let estimate = 0;
  for (const entry of entries) {
    estimate += PER_CHANGE_OVERHEAD + Buffer.byteLength(entry.path);
    if (entry.status !== "deleted")
      estimate += base64Length(entry.mode === GITLINK ? entry.oid.length : sizes.get(entry.oid) ?? 0);
  }
  if (estimate > options.maxResultBytes)
    throw resultTooLarge(estimate, options.maxResultBytes, entries.length);
  let patch;
  try {
    const budget = options.maxResultBytes - estimate;
    patch = (await run(["diff", ...diffArgs, "--binary", "--full-index", "--no-color", snapshot.baseSha, "--"], {
      maxOutputBytes: budget
    })).toString("utf8");
  } catch (error) {
    if (error instanceof GitOutputTooLarge)
      throw resultTooLarge(estimate + error.limit, options.maxResultBytes, entries.length);
    throw error;
  }
  const contents = blobs.length > 0 ? parseCatFileBatch(await run(["cat-file", "--batch"], { input: `${blobs.join("\n")}
` })) : /* @__PURE__ */ new Map();
  const changes = entries.map((entry) => {
    if (entry.status === "deleted") return { path: entry.path, status: "deleted" };
    const content = entry.mode === GITLINK ? Buffer.from(entry.oid, "latin1") : contents.get(entry.oid);
    if (content === void 0)
      throw new ActionError("git-failed", `git did not return the content of ${entry.path}`);
    return { path: entry.path, status: entry.status, mode: entry.mode, content: content.toString("base64") };
  });
  return { changes, patch };
}

// action/src/steps/decide-outcome.ts
function decideOutcome(input2) {
  const { engine, failure, tooLarge } = input2;
  const error = [engine?.error ?? null, failure].filter((part) => part !== null).join(" ") || null;
  if (tooLarge) return { outcome: "failed", error };
  if (engine?.timedOut) return { outcome: "timed_out", error };
  if (engine === null) return { outcome: "failed", error: error ?? "The engine did not run." };
  if (failure !== null || engine.error !== null || engine.exitCode !== 0) {
    return { outcome: "failed", error: error ?? `The engine exited with code ${engine.exitCode}.` };
  }
  return { outcome: "completed", error: null };
}

// action/src/steps/build-result.ts
function buildResult(input2) {
  const { spec, phase } = input2;
  const usage = phase.engine?.usage ?? null;
  const { outcome, error } = decideOutcome({
    engine: phase.engine,
    failure: [phase.failure, input2.failure].filter((f) => f !== null).join(" ") || null,
    tooLarge: input2.tooLarge
  });
  const result = {
    outcome,
    changes: input2.changes,
    patch: input2.patch,
    report: {
      engine: spec.engine.name,
      engineVersion: phase.version,
      model: spec.engine.model,
      turns: usage?.turns ?? null,
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      costUsd: usage?.costUsd ?? null,
      durationMs: phase.durationMs,
      exitCode: phase.engine?.exitCode ?? null,
      summary: phase.engine?.summary ?? null,
      error
    }
  };
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes <= spec.limits.maxResultBytes) return result;
  const refusal = resultTooLarge(bytes, spec.limits.maxResultBytes, result.changes.length).message;
  return {
    outcome: "failed",
    changes: [],
    patch: "",
    report: { ...result.report, error: [error, refusal].filter((e) => e !== null).join(" ") }
  };
}

// action/src/steps/job-summary.ts
function escapeCell(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
var dash = "—";
function link(text, url) {
  return url !== null && /^https?:\/\/[^\s()<>"]+$/.test(url) ? `[${escapeCell(text)}](${url})` : escapeCell(text);
}
var count = (value) => value === null ? dash : value.toLocaleString("en-US");
function formatDuration(ms) {
  const seconds = Math.round(ms / 1e3);
  if (seconds < 60) return `${seconds} s`;
  const minutes2 = Math.floor(seconds / 60);
  return `${minutes2} min ${String(seconds % 60).padStart(2, "0")} s`;
}
function formatCost(costUsd) {
  return costUsd === null ? dash : `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`;
}
function renderJobSummary(input2) {
  const { spec, result, status, postError } = input2;
  const { report } = result;
  const taskLabel = `#${spec.task.id}${spec.task.attempt > 1 ? ` (attempt ${spec.task.attempt})` : ""}`;
  const where = `${spec.task.repository}${spec.task.issueNumber === null ? "" : `#${spec.task.issueNumber}`}`;
  const task = `${taskLabel} for ${link(where, spec.task.htmlUrl)}`;
  const deleted = result.changes.filter((change) => change.status === "deleted").length;
  const files = result.changes.length === 0 ? "none" : `${result.changes.length} (${result.changes.length - deleted} added or modified, ${deleted} deleted)`;
  const tokens = report.inputTokens === null && report.outputTokens === null ? dash : `${count(report.inputTokens)} in, ${count(report.outputTokens)} out`;
  const state = postError !== null ? "result not delivered" : status === null ? "unknown" : status.state;
  const rows = [
    ["Task", task],
    ["Engine", escapeCell(`${report.engine}${report.engineVersion ? ` ${report.engineVersion}` : ""}`)],
    ["Model", report.model === null ? dash : escapeCell(report.model)],
    ["Turns", count(report.turns)],
    ["Tokens", tokens],
    ["Cost", formatCost(report.costUsd)],
    ["Duration", formatDuration(report.durationMs)],
    ["Files changed", files],
    ["Result", `${result.outcome.replace("_", " ")}; task ${escapeCell(state.replace("_", " "))}`],
    ["Pull request", status?.prUrl ? link(status.prUrl, status.prUrl) : dash]
  ];
  const lines = [
    "## Agent Dispatch",
    "",
    "| | |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ""
  ];
  const errors = [report.error, postError, status?.error ?? null].filter(
    (e) => e !== null && e !== ""
  );
  for (const error of errors) lines.push(`**Error:** ${escapeCell(error)}`, "");
  if (report.summary) {
    lines.push(
      "### Summary from the engine",
      "",
      ...report.summary.split("\n").map((line) => `> ${escapeCell(line)}`),
      ""
    );
  }
  return lines.join("\n");
}

// action/src/steps/run-engine.ts
import { StringDecoder } from "node:string_decoder";

// action/src/engines/engine-environment.ts
var ENGINE_ENV_ALLOW_LIST = [
  "PATH",
  "HOME",
  "LANG",
  "TERM",
  "TMPDIR",
  "CI",
  "GITHUB_WORKSPACE",
  "RUNNER_OS",
  "RUNNER_TEMP"
];
var LOCALE = /^LC_[A-Z_]+$/;
function engineBaseEnvironment(env) {
  const picked = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === void 0) continue;
    if (ENGINE_ENV_ALLOW_LIST.includes(name) || LOCALE.test(name)) picked[name] = value;
  }
  return picked;
}

// action/src/engines/command-engine.ts
import { readFileSync as readFileSync2, rmSync, writeFileSync as writeFileSync2 } from "node:fs";
import { join as join3 } from "node:path";
var MAX_PROMPT_ENV_BYTES = 100 * 1024;
var MAX_SUMMARY_CHARS = 4e3;
function commandFiles(tempDir) {
  return {
    prompt: join3(tempDir, "prompt.md"),
    summary: join3(tempDir, "summary.md"),
    usage: join3(tempDir, "usage.json")
  };
}
function requireCommand(ctx) {
  const command = ctx.spec.engine.command;
  if (command === null || command.trim() === "") {
    throw new ActionError(
      "engine-failed",
      "The command engine has no command: set `engine.command` in the repository's .github/agent.yml."
    );
  }
  return command;
}
function readOptional(path) {
  try {
    return readFileSync2(path, "utf8");
  } catch {
    return null;
  }
}
function minutes(ms) {
  const value = ms / 6e4;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} minute${value === 1 ? "" : "s"}`;
}
function commandEngine() {
  const engine = {
    name: "command",
    async prepare(ctx) {
      requireCommand(ctx);
      const files = commandFiles(ctx.tempDir);
      writeFileSync2(files.prompt, ctx.spec.prompt, { mode: 384 });
      rmSync(files.summary, { force: true });
      rmSync(files.usage, { force: true });
      return { version: ctx.spec.engine.version };
    },
    async run(ctx) {
      const command = requireCommand(ctx);
      const files = commandFiles(ctx.tempDir);
      const { spec } = ctx;
      const promptFits = Buffer.byteLength(spec.prompt) <= MAX_PROMPT_ENV_BYTES;
      if (!promptFits) {
        ctx.log.warning(
          `The prompt is ${Buffer.byteLength(spec.prompt)} bytes, too large for an environment variable: AGENT_PROMPT is not set, read AGENT_PROMPT_FILE.`
        );
      }
      const env = {
        ...ctx.environment,
        AGENT_TASK_ID: String(spec.task.id),
        AGENT_PROMPT_FILE: files.prompt,
        ...promptFits ? { AGENT_PROMPT: spec.prompt } : {},
        AGENT_SUMMARY_FILE: files.summary,
        AGENT_USAGE_FILE: files.usage,
        ...spec.engine.model === null ? {} : { AGENT_MODEL: spec.engine.model },
        ...spec.limits.maxTurns === null ? {} : { AGENT_MAX_TURNS: String(spec.limits.maxTurns) },
        ...spec.limits.maxCostUsd === null ? {} : { AGENT_MAX_COST_USD: String(spec.limits.maxCostUsd) }
      };
      const result = await runProcessTree({
        file: "bash",
        args: ["-c", command],
        cwd: ctx.workingDirectory,
        env,
        timeoutMs: ctx.timeoutMs,
        graceMs: ctx.graceMs,
        output: ctx.output
      });
      if (result.leftovers > 0 && !result.timedOut) {
        ctx.log.warning(
          `The command left ${result.leftovers} process(es) running when it ended; they were stopped.`
        );
      }
      const summary = readOptional(files.summary)?.trim().slice(0, MAX_SUMMARY_CHARS) || null;
      const usageText = readOptional(files.usage);
      const usage = usageText === null ? null : engine.parseUsage(usageText);
      if (usageText !== null && usage === null) {
        ctx.log.warning(
          "AGENT_USAGE_FILE does not hold a JSON object of non-negative numbers; usage is not reported."
        );
      }
      let error = null;
      if (result.spawnError !== null) error = `The command could not be started: ${result.spawnError}`;
      else if (result.timedOut)
        error = `The command did not finish within ${minutes(ctx.timeoutMs)} and was stopped.`;
      else if (result.signal !== null) error = `The command was ended by ${result.signal}.`;
      else if (result.exitCode !== 0) error = `The command exited with code ${result.exitCode}.`;
      return { exitCode: result.exitCode, timedOut: result.timedOut, usage, summary, error };
    },
    parseUsage(raw) {
      let json;
      try {
        json = JSON.parse(raw);
      } catch {
        return null;
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
      const record = json;
      const usage = { turns: null, inputTokens: null, outputTokens: null, costUsd: null };
      for (const key of Object.keys(usage)) {
        const value = record[key];
        if (value === void 0 || value === null) continue;
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return null;
        usage[key] = value;
      }
      return usage;
    }
  };
  return engine;
}

// action/src/engines/select-engine.ts
var ENGINES = {
  command: commandEngine
};
function selectEngine(name) {
  const make = Object.hasOwn(ENGINES, name) ? ENGINES[name] : void 0;
  if (make === void 0) {
    throw new ActionError(
      "unsupported-engine",
      `This version of the action cannot run the "${name}" engine (it knows: ${Object.keys(ENGINES).join(", ")}). Update the action or choose another engine in .github/agent.yml.`
    );
  }
  return make();
}

// action/src/steps/run-engine.ts
var PROGRESS_INTERVAL_MS = 5e3;
async function runEngine(ctx, spec, tempDir) {
  const phase = { engine: null, version: spec.engine.version, durationMs: 0, failure: null };
  const pending = [];
  let lastProgress = Number.NEGATIVE_INFINITY;
  let atLineStart = true;
  const decoder = new StringDecoder("utf8");
  const write = (chunk) => {
    const text = decoder.write(chunk);
    if (text === "") return;
    ctx.write(text);
    atLineStart = text.endsWith("\n");
  };
  const engineCtx = {
    spec,
    workingDirectory: ctx.inputs.workingDirectory,
    tempDir,
    environment: engineBaseEnvironment(ctx.env),
    timeoutMs: spec.limits.timeoutMinutes * 6e4,
    graceMs: ctx.graceMs,
    log: ctx.log,
    output: { stdout: write, stderr: write },
    reportProgress(event) {
      if (ctx.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = ctx.now();
      pending.push(
        ctx.api.postEvent(event).catch((error) => ctx.log.warning(`Progress not sent: ${errorMessage(error)}`))
      );
    }
  };
  try {
    const engine = selectEngine(spec.engine.name);
    phase.version = (await engine.prepare(engineCtx)).version ?? spec.engine.version;
    ctx.log.group(`Engine ${spec.engine.name}: output (workflow commands disabled)`);
    const guard = stopCommands(ctx.write);
    const started = ctx.now();
    try {
      phase.engine = await engine.run(engineCtx);
    } finally {
      phase.durationMs = ctx.now() - started;
      const rest = decoder.end();
      if (rest !== "") {
        ctx.write(rest);
        atLineStart = rest.endsWith("\n");
      }
      if (!atLineStart) ctx.write("\n");
      guard.resume();
      ctx.log.endGroup();
    }
  } catch (error) {
    phase.failure = errorMessage(error);
  }
  await Promise.allSettled(pending);
  return phase;
}

// action/src/runner-api/task-result.ts
var TERMINAL_STATES = [
  "succeeded",
  "no_changes",
  "failed",
  "cancelled",
  "rejected",
  "timed_out"
];

// action/src/steps/wait-for-task.ts
var DEFAULT_WAIT = { timeoutMs: 6e4, intervalMs: 2e3 };
async function waitForTask(api, options) {
  const deadline = options.now() + options.timeoutMs;
  let last = null;
  for (; ; ) {
    try {
      last = await api.getTask();
    } catch (error) {
      options.log.warning(`Could not read the task's state: ${errorMessage(error)}`);
      return last;
    }
    if (TERMINAL_STATES.includes(last.state) || options.now() >= deadline) return last;
    await options.sleep(options.intervalMs);
  }
}

// action/src/steps/run-step.ts
function privateTempRoot(ctx) {
  const runnerTemp = ctx.env.RUNNER_TEMP;
  if (!runnerTemp) return tmpdir();
  const inside = (dir) => dir !== void 0 && dir !== "" && !relative(dir, runnerTemp).startsWith("..");
  return inside(ctx.inputs.workingDirectory) || inside(ctx.env.GITHUB_WORKSPACE) ? tmpdir() : runnerTemp;
}
async function engineAndChanges(ctx, spec, stateDir) {
  const tempDir = join4(stateDir, "engine");
  const gitDir = join4(stateDir, "git");
  mkdirSync2(tempDir);
  mkdirSync2(gitDir);
  const notRun = { engine: null, version: spec.engine.version, durationMs: 0, failure: null };
  let snapshot;
  try {
    snapshot = await snapshotCheckout({
      workingDirectory: ctx.inputs.workingDirectory,
      baseSha: spec.checkout.sha,
      stateDir: gitDir
    });
  } catch (error) {
    return buildResult({
      spec,
      phase: notRun,
      changes: [],
      patch: "",
      failure: errorMessage(error),
      tooLarge: false
    });
  }
  const phase = await runEngine(ctx, spec, tempDir);
  try {
    const collected = await collectChanges(snapshot, {
      maxResultBytes: spec.limits.maxResultBytes
    });
    return buildResult({ spec, phase, ...collected, failure: null, tooLarge: false });
  } catch (error) {
    const tooLarge = error instanceof ActionError && error.code === "result-too-large";
    return buildResult({ spec, phase, changes: [], patch: "", failure: errorMessage(error), tooLarge });
  }
}
async function deliver(ctx, spec, result) {
  try {
    const answer = await ctx.api.postResult(result);
    ctx.log.info(`The App accepted the result: task ${answer.state}.`);
    const status = await waitForTask(ctx.api, { ...ctx.wait, now: ctx.now, sleep: ctx.sleep, log: ctx.log });
    return {
      status: status ?? { id: spec.task.id, state: answer.state, prUrl: null, error: null },
      postError: null
    };
  } catch (error) {
    const postError = errorMessage(error);
    ctx.log.error(`The result was not delivered: ${postError}`);
    return { status: null, postError };
  }
}
async function runStep(ctx) {
  const spec = await ctx.api.getSpec();
  ctx.outputs.set("task-id", String(spec.task.id));
  const stateDir = mkdtempSync(join4(privateTempRoot(ctx), "agent-dispatch-"));
  try {
    const result = await engineAndChanges(ctx, spec, stateDir);
    if (result.report.error !== null) ctx.log.error(result.report.error);
    ctx.log.info(
      `Outcome: ${result.outcome}; ${result.changes.length} changed path(s). Sending the result to the App.`
    );
    const { status, postError } = await deliver(ctx, spec, result);
    ctx.outputs.set("conclusion", postError === null ? status?.state ?? "unknown" : "result-not-delivered");
    ctx.outputs.set("pr-url", status?.prUrl ?? "");
    ctx.outputs.set("cost-usd", result.report.costUsd === null ? "" : String(result.report.costUsd));
    ctx.writeSummary(renderJobSummary({ spec, result, status, postError }));
    if (status?.prUrl) ctx.log.info(`Pull request: ${status.prUrl}`);
    return result.outcome === "completed" && postError === null ? 0 : 1;
  } finally {
    rmSync2(stateDir, { recursive: true, force: true });
  }
}

// action/src/main.ts
var ENGINE_GRACE_MS = 1e4;
function readEvent(path) {
  if (!path) return void 0;
  try {
    return JSON.parse(readFileSync3(path, "utf8"));
  } catch (error) {
    throw new ActionError(
      "bad-event",
      `Cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${errorMessage(error)}`
    );
  }
}
async function main() {
  const env = process.env;
  if (process.platform === "win32") {
    throw new ActionError(
      "unsupported-platform",
      "Agent Dispatch runs on Linux and macOS runners, not on Windows."
    );
  }
  const inputs = parseInputs(env, readEvent(env.GITHUB_EVENT_PATH));
  const write = (text) => {
    process.stdout.write(text);
  };
  const log = createRunnerLog(write);
  const tokens = createTokenSource({ audience: inputs.appUrl, request: createIdTokenRequester(env), log });
  const ctx = {
    inputs,
    env,
    log,
    write,
    outputs: createOutputs(env),
    writeSummary: (markdown) => appendSummary(env, markdown),
    api: createRunnerApi({ appUrl: inputs.appUrl, taskId: inputs.taskId, tokens, log }),
    now: Date.now,
    sleep,
    graceMs: ENGINE_GRACE_MS,
    wait: DEFAULT_WAIT
  };
  return inputs.step === "prepare" ? prepareStep(ctx) : runStep(ctx);
}
var finished = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAllProcessTrees();
    finished = true;
    createRunnerLog().error(`Stopped by ${signal} (the run was cancelled); the engine was stopped.`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}
process.on("exit", () => {
  killAllProcessTrees();
  if (!finished) {
    createRunnerLog().error(
      "The action stopped before it finished (an internal error): treat this run as failed."
    );
    process.exitCode = 1;
  }
});
main().then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error) => {
    finished = true;
    createRunnerLog().error(errorMessage(error));
    process.exitCode = 1;
  }
);
