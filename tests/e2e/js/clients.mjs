// matrix-js-sdk clients pointed at a test server, with the SDK's console chatter kept to warnings.
import { ClientEvent, createClient } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

// matrix-js-sdk logs through loglevel; its debug/info lines would bury the test report.
logger.setLevel?.("warn");

/**
 * A client for `server`, optionally acting as an existing session.
 * @param {import("./harness.mjs").RanvierProcess} server
 * @param {{ accessToken?: string, userId?: string, deviceId?: string }} [session]
 */
export function clientFor(server, session = {}) {
  return createClient({ baseUrl: server.baseUrl, ...session });
}

/** A user name no other test uses, so scenarios never collide on one server. */
export function uniqueLocalpart(prefix = "user") {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
}

/**
 * Registers a fresh account (open registration, dummy auth) and returns a client acting as it.
 * @param {import("./harness.mjs").RanvierProcess} server
 * @param {string} prefix the start of the generated user name
 * @param {object} [options] more createClient options (e.g. a fetchFn)
 */
export async function newUser(server, prefix, options = {}) {
  const registered = await clientFor(server).registerRequest({
    username: uniqueLocalpart(prefix),
    password: "correct horse battery staple",
    auth: { type: "m.login.dummy" },
  });
  return clientFor(server, {
    accessToken: registered.access_token,
    userId: registered.user_id,
    deviceId: registered.device_id,
    ...options,
  });
}

/** How long any one awaited sync outcome may take on a slow, shared machine. */
const waitMs = 30_000;

/** Resolves with the emitter's arguments once `predicate(...args)` holds; rejects after `waitMs`. */
export function waitForEvent(emitter, name, predicate, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`timed out waiting for ${what}`));
    }, waitMs);
    function listener(...args) {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(args);
    }
    emitter.on(name, listener);
  });
}

/** Resolves as `promise` does; rejects after `waitMs` if it has not settled by then. */
export function withTimeout(promise, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), waitMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Starts the client's sync loop and resolves once its first sync is processed. */
export async function startSyncing(client) {
  const prepared = waitForEvent(client, ClientEvent.Sync, (state) => state === "PREPARED", "the first sync");
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
}
