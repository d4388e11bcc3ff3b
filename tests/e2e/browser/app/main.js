// The Hydrogen app as hydrogen-web ships it (RootViewModel: login, session picker, room list, room view),
// built from hydrogen-view-sdk and pointed at the homeserver given in the page's ?hs= query.
// server.mjs bundles this file with esbuild and serves the SDK's assets and olm next to it.
import { createNavigation, createRouter, FeatureSet, Platform, RootViewModel } from "hydrogen-view-sdk";

const assetPaths = {
  downloadSandbox: "assets/download-sandbox.html",
  worker: "assets/main.js",
  olm: {
    wasm: "olm/olm.wasm",
    legacyBundle: "olm/olm_legacy.js",
    wasmBundle: "olm/olm.js",
  },
  // Since SDK 0.3 the client hands its access token to the service worker (authenticated media) and fails
  // to load a session without one.
  serviceWorker: "sw.js",
};

async function main() {
  const container = document.getElementById("app");
  const homeserver = new URLSearchParams(location.search).get("hs") ?? "";
  const platform = new Platform({
    container,
    assetPaths,
    config: { defaultHomeServer: homeserver },
    options: { development: true },
  });
  const navigation = createNavigation();
  platform.setNavigation(navigation);
  await platform.init();
  const urlRouter = createRouter({ navigation, history: platform.history });
  urlRouter.attach();
  // The opt-in feature flags (calls, threads …) as stored in the browser: none, in a fresh profile.
  const features = await FeatureSet.load(platform.settingsStorage);
  const vm = new RootViewModel({ platform, navigation, urlRouter, features });
  await vm.load();
  platform.createAndMountRootView(vm);
  window.__hydrogenReady = true;
}

main().catch((err) => {
  console.error("hydrogen app failed to start", err);
  document.body.dataset.startError = String(err?.stack ?? err);
});
