// matrix-js-sdk clients pointed at a test server, with the SDK's console chatter kept to warnings.
import { createClient } from "matrix-js-sdk";
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
