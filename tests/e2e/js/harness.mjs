// Starts a real ranvier process for end-to-end tests and stops it again.
// The server is the Debug build test.sh makes, or $E2E_RANVIER_SERVER: a ranvier.dll (run with dotnet) or the native
// executable of a NativeAOT publish (scripts/publish-aot.sh). Each instance gets a fresh data
// directory, an ephemeral port, and no inherited RANVIER_* settings, so tests never share state.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const defaultDll = join(repoRoot, "src/Ranvier.Server/bin/Debug/net10.0/ranvier.dll");

// The start-up line the host logs once Kestrel is listening (Hosting/RanvierHost.cs, event 1).
const servingLine = /Ranvier is serving (\S+) on (http:\/\/127\.0\.0\.1:\d+)[;,]/;

/** How long a start or a stop may take on a slow, shared machine before the test fails. */
const startTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;

/**
 * Starts ranvier and resolves once it logs where it serves.
 * @param {{ env?: Record<string, string> }} [options] extra environment (e.g. RANVIER_SERVER_NAME)
 * @returns {Promise<RanvierProcess>}
 */
export async function startServer(options = {}) {
  const server = process.env.E2E_RANVIER_SERVER ?? defaultDll;
  if (!existsSync(server)) {
    throw new Error(`${server} does not exist; build it first (./test.sh or dotnet build src/Ranvier.Server)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "ranvier-e2e-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("RANVIER_")));
  Object.assign(env, {
    DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    DOTNET_NOLOGO: "1",
    RANVIER_DATA_DIRECTORY: dataDir,
    RANVIER_LISTEN__PORT: "0",
    ...options.env,
  });
  const [command, args] = server.endsWith(".dll") ? ["dotnet", [server]] : [server, []];
  const child = spawn(command, args, { cwd: dataDir, env, stdio: ["ignore", "pipe", "pipe"] });
  const ranvier = new RanvierProcess(child, dataDir);
  try {
    await ranvier.started;
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return ranvier;
}

/**
 * Registers before/after hooks in the current test file or describe block that run one server for
 * all its tests, and returns a getter for it. The after hook fails the suite unless the server exits 0.
 * @param {{ env?: Record<string, string> }} [options]
 * @returns {() => RanvierProcess}
 */
export function useServer(options = {}) {
  let server;
  before(async () => {
    server = await startServer(options);
  });
  after(async () => {
    if (server) {
      await server.stop();
    }
  });
  return () => {
    if (!server) throw new Error("the server is not running (did its start fail?)");
    return server;
  };
}

/** A running ranvier: its client-server base URL, server name, and log so far. */
export class RanvierProcess {
  /** @type {string} */ baseUrl = "";
  /** @type {string} */ serverName = "";
  /** @type {string[]} */ log = [];
  #child;
  #dataDir;
  #exited;

  constructor(child, dataDir) {
    this.#child = child;
    this.#dataDir = dataDir;
    this.#exited = new Promise((resolveExit) => child.once("exit", (code, signal) => resolveExit({ code, signal })));
    this.started = new Promise((resolveStart, rejectStart) => {
      const timer = setTimeout(
        () => rejectStart(new Error(`ranvier did not report its address within ${startTimeoutMs} ms:\n${this.logText()}`)),
        startTimeoutMs,
      );
      const onLine = (line) => {
        this.log.push(line);
        const match = servingLine.exec(line);
        if (match && !this.baseUrl) {
          [, this.serverName, this.baseUrl] = match;
          clearTimeout(timer);
          resolveStart();
        }
      };
      createInterface({ input: child.stdout }).on("line", onLine);
      createInterface({ input: child.stderr }).on("line", onLine);
      child.once("error", (err) => {
        clearTimeout(timer);
        rejectStart(err);
      });
      this.#exited.then(({ code, signal }) => {
        clearTimeout(timer);
        rejectStart(new Error(`ranvier exited (code ${code}, signal ${signal}) before serving:\n${this.logText()}`));
      });
    });
  }

  logText() {
    return this.log.join("\n");
  }

  /** Sends SIGTERM, waits for the exit, removes the data directory; throws unless the exit code is 0. */
  async stop() {
    this.#child.kill("SIGTERM");
    let timer;
    const timeout = new Promise((_, rejectStop) => {
      timer = setTimeout(() => rejectStop(new Error(`ranvier did not stop within ${stopTimeoutMs} ms`)), stopTimeoutMs);
    });
    try {
      const { code, signal } = await Promise.race([this.#exited, timeout]);
      if (code !== 0) {
        throw new Error(`ranvier exited with code ${code} (signal ${signal}) after SIGTERM:\n${this.logText()}`);
      }
    } catch (err) {
      this.#child.kill("SIGKILL");
      throw err;
    } finally {
      clearTimeout(timer);
      rmSync(this.#dataDir, { recursive: true, force: true });
    }
  }
}
