// Hydrogen, a real Matrix web client, in Debian's headless Chromium against a real ranvier process: it logs in
// through its own login view, opens a room a matrix-js-sdk user shares with it, sends a message the js-sdk user
// reads back, and shows the js-sdk user's messages (one from before login via the initial /sync, one live).
// On failure the page is saved as artifacts/<test>.png (path printed) along with the browser console.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer } from "../../js/harness.mjs";
import { newUser } from "../../js/clients.mjs";
import { startAppServer } from "../server.mjs";
import { launchBrowser, withFailureScreenshot } from "../browser.mjs";

/** The password clients.mjs's newUser registers with. */
const password = "correct horse battery staple";

/** Registers a fresh account; returns its localpart and a matrix-js-sdk client acting as it. */
async function newAccount(server, prefix) {
  const client = await newUser(server, prefix);
  return { localpart: client.getUserId().slice(1).split(":")[0], client };
}

/** The test app's address with the homeserver its login view starts from. */
const appUrlFor = (app, server) => `${app.url}?hs=${encodeURIComponent(server.baseUrl)}`;

describe("Hydrogen in headless Chromium", () => {
  let ranvier;
  let app;
  let browser;
  const server = () => ranvier;
  before(async () => {
    // Hydrogen follows /.well-known/matrix/client, which names the origin it asked (no public_baseurl set).
    [ranvier, app, browser] = await Promise.all([
      startServer({
        env: { RANVIER_REGISTRATION__MODE: "open" },
      }),
      startAppServer(),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await ranvier?.stop();
  });

  test("the login view finds Ranvier through its well-known and offers a password login", async (t) => {
    await withFailureScreenshot(browser, t, async (page) => {
      await page.goto(appUrlFor(app, server()));
      // Hydrogen reads /.well-known/matrix/client, then GET /versions and GET /login, all cross-origin (CORS).
      await page.getByText(`You will connect to ${server().baseUrl}.`).waitFor();
      await page.locator("#username").waitFor();
      await page.locator("#password").waitFor();
      await page.getByRole("button", { name: "Log In" }).waitFor();
    });
  });

  // Hydrogen creates its olm identity right after POST /login and drops the session when POST /keys/upload
  // fails. With that one endpoint answered (tried by hand: a page.route returning one_time_key_counts),
  // everything below passes against Ranvier in about 8 s.
  test("logs in, opens a room, sends a message and shows the js-sdk user's messages", async (t) => {
    const alice = await newAccount(server(), "alice");
    const hydra = await newAccount(server(), "hydra");
    const roomName = `hydrogen ${hydra.localpart}`;
    const { room_id: roomId } = await alice.client.createRoom({ preset: "private_chat", name: roomName });
    await alice.client.invite(roomId, hydra.client.getUserId());
    await hydra.client.joinRoom(roomId);
    await alice.client.sendMessage(roomId, { msgtype: "m.text", body: "sent before Hydrogen logged in" });

    await withFailureScreenshot(browser, t, async (page) => {
      await page.goto(appUrlFor(app, server()));

      // Hydrogen's login view: it resolves the homeserver (GET /versions, /login), then offers a password form.
      await page.locator("#username").fill(hydra.localpart);
      await page.locator("#password").fill(password);
      await page.getByRole("button", { name: "Log In" }).click();

      // The session loads (olm identity, initial /sync), or the login view says why not (and offers "Log out").
      const session = page.locator(".SessionView");
      const loadFailure = page.locator(".SessionLoadStatusView", { has: page.getByRole("button", { name: "Log out" }) });
      await session.or(loadFailure).waitFor({ timeout: 30_000 });
      if (await loadFailure.isVisible()) {
        assert.fail(`Hydrogen could not load the session: ${await loadFailure.innerText()}`);
      }

      // The room list shows the shared room; open it.
      await page.locator(".RoomList .name", { hasText: roomName }).click();
      const timeline = page.locator(".Timeline");
      const remoteMessage = (text) => timeline.locator('li.Timeline_message[data-event-id^="$"]', { hasText: text });
      await remoteMessage("sent before Hydrogen logged in").waitFor();

      // Send from the composer; the tile gets its event ID once the server has the event.
      const composer = page.locator(".MessageComposer_input textarea");
      await composer.fill("hello from Hydrogen");
      await composer.press("Enter");
      const ownTile = remoteMessage("hello from Hydrogen");
      await ownTile.waitFor();
      const eventId = await ownTile.getAttribute("data-event-id");
      const page1 = await alice.client.createMessagesRequest(roomId, null, 10, "b") // Direction.Backward;
      const received = page1.chunk.find((e) => e.event_id === eventId);
      assert.ok(received, `alice reads Hydrogen's event ${eventId} through /messages`);
      assert.equal(received.sender, hydra.client.getUserId());
      assert.equal(received.content.body, "hello from Hydrogen");

      // A message alice sends now reaches the open room view through Hydrogen's /sync long-poll.
      const { event_id: liveId } = await alice.client.sendMessage(roomId, { msgtype: "m.text", body: "live from js-sdk" });
      await timeline.locator(`li.Timeline_message[data-event-id="${liveId}"]`, { hasText: "live from js-sdk" }).waitFor();
    });
  });
});
