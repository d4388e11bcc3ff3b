// Serves the Hydrogen test app on 127.0.0.1 with an ephemeral port: app/index.html, app/main.js bundled
// by esbuild in memory (once per process), the SDK's service worker as /sw.js, its CSS, fonts, icons and worker under /assets/, and
// olm's JS and WASM under /olm/. Nothing is written to disk and nothing outside these folders is served.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const sdkDir = dirname(dirname(require.resolve("hydrogen-view-sdk")));
const olmDir = dirname(require.resolve("@matrix-org/olm/olm.js"));

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** URL prefixes and the folders they map to. */
const folders = [
  ["/assets/", join(sdkDir, "asset-build/assets")],
  ["/olm/", olmDir],
];

/**
 * The SDK's build keeps a bare `import "@matrix-org/olm/olm.js"` (its vite setup turns it into an asset URL).
 * Olm is loaded at run time by the Platform from assetPaths.olm with a <script>, so the bundle gets an empty
 * module in its place rather than a second copy of olm's Emscripten loader (which would also pull in Node's fs).
 */
const olmImportIsLoadedAtRunTime = {
  name: "olm-loaded-at-run-time",
  setup(build) {
    build.onResolve({ filter: /^@matrix-org\/olm\/olm\.js$/ }, (args) => ({ path: args.path, namespace: "olm-stub" }));
    build.onLoad({ filter: /.*/, namespace: "olm-stub" }, () => ({ contents: "", loader: "js" }));
  },
};

/** Bundles app/main.js (and the SDK it imports) into one ES module. */
export async function bundleApp() {
  const result = await esbuild.build({
    entryPoints: [join(here, "app/main.js")],
    bundle: true,
    format: "esm",
    target: "es2020",
    write: false,
    logLevel: "warning",
    plugins: [olmImportIsLoadedAtRunTime],
  });
  return result.outputFiles[0].contents;
}

/** Resolves `urlPath` under one of the served folders, or returns null (no escaping with ../). */
function fileFor(urlPath) {
  for (const [prefix, folder] of folders) {
    if (urlPath.startsWith(prefix)) {
      const file = normalize(join(folder, decodeURIComponent(urlPath.slice(prefix.length))));
      return file.startsWith(folder + sep) ? file : null;
    }
  }
  return null;
}

/**
 * Starts the static server and resolves once it listens.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url ends with "/"
 */
export async function startAppServer() {
  const bundle = await bundleApp();
  const indexHtml = await readFile(join(here, "app/index.html"));
  const serviceWorker = await readFile(join(sdkDir, "lib-build/sw.js"));
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (path === "/" || path === "/index.html") return send(200, contentTypes[".html"], indexHtml);
    if (path === "/main.js") return send(200, contentTypes[".js"], bundle);
    if (path === "/sw.js") return send(200, contentTypes[".js"], serviceWorker);
    const file = fileFor(path);
    if (file) {
      try {
        return send(200, contentTypes[extname(file)] ?? "application/octet-stream", await readFile(file));
      } catch {
        // fall through to 404
      }
    }
    send(404, "text/plain", `not found: ${path}`);
  });
  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(0, "127.0.0.1", resolveListen);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
