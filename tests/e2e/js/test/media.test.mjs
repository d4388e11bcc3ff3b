// The media repository through matrix-js-sdk: one user uploads an image (uploadContent) and sends it in a room;
// the other reads the event, downloads the image and a thumbnail of the requested size over authenticated media
// (/_matrix/client/v1/media).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crc32, deflateSync } from "node:zlib";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

/** A width×height RGB PNG with a gradient, built here so the test needs no image files. */
function makePng(width, height) {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows.writeUInt8(x & 0xff, row + 1 + x * 3);
      rows.writeUInt8(y & 0xff, row + 2 + x * 3);
      rows.writeUInt8((x ^ y) & 0xff, row + 3 + x * 3);
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame marker. */
function imageSize(bytes) {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  assert.equal(bytes.readUInt16BE(0), 0xffd8, "neither PNG nor JPEG");
  for (let offset = 2; offset < bytes.length; ) {
    const marker = bytes.readUInt16BE(offset);
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xffc0 && marker <= 0xffcf && ![0xffc4, 0xffc8, 0xffcc].includes(marker)) {
      return { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) };
    }
    offset += 2 + length;
  }
  throw new Error("JPEG without a start-of-frame marker");
}

/** GETs an authenticated media URL as `client`; returns the response and its bytes. */
async function fetchAsUser(client, url) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${client.getAccessToken()}` } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe("media (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("an image uploaded with uploadContent and sent in a room is downloaded and thumbnailed by the other member over authenticated media", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const image = makePng(640, 480);

    const { content_uri: uploaded } = await alice.uploadContent(new Blob([image], { type: "image/png" }), { name: "cat.png", type: "image/png" });
    assert.match(uploaded, new RegExp(`^mxc://${server().serverName.replace(/[.:]/g, "\\$&")}/[A-Za-z0-9_-]+$`));

    const { room_id: roomId } = await alice.createRoom({ invite: [bob.getUserId()] });
    await bob.joinRoom(roomId);
    const { event_id: eventId } = await alice.sendMessage(roomId, {
      msgtype: "m.image",
      body: "cat.png",
      url: uploaded,
      info: { mimetype: "image/png", size: image.length, w: 640, h: 480 },
    });
    const event = await bob.fetchRoomEvent(roomId, eventId);
    const mxc = event.content.url;
    assert.equal(mxc, uploaded);

    // mxcUrlToHttp(mxc, width, height, method, allowDirectLinks, allowRedirects, useAuthentication)
    const downloadUrl = bob.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, false, true);
    assert.match(downloadUrl, /\/_matrix\/client\/v1\/media\/download\//);
    const download = await fetchAsUser(bob, downloadUrl);
    assert.equal(download.response.status, 200);
    assert.ok(download.bytes.equals(image), "the downloaded bytes are the uploaded ones");
    assert.equal(download.response.headers.get("content-type"), "image/png");
    assert.equal(download.response.headers.get("content-disposition"), 'inline; filename="cat.png"');
    assert.equal(download.response.headers.get("x-content-type-options"), "nosniff");
    assert.match(download.response.headers.get("content-security-policy"), /^sandbox;/);

    const cropUrl = bob.mxcUrlToHttp(mxc, 96, 96, "crop", false, false, true);
    assert.match(cropUrl, /\/_matrix\/client\/v1\/media\/thumbnail\/.*width=96.*height=96.*method=crop/);
    const crop = await fetchAsUser(bob, cropUrl);
    assert.equal(crop.response.status, 200);
    assert.deepEqual(imageSize(crop.bytes), { width: 96, height: 96 });

    const scale = await fetchAsUser(bob, bob.mxcUrlToHttp(mxc, 320, 240, "scale", false, false, true));
    assert.equal(scale.response.status, 200);
    assert.deepEqual(imageSize(scale.bytes), { width: 320, height: 240 });
  });

  test("authenticated media needs the access token, the frozen legacy endpoints do not serve new media, and the config gives the upload limit", async () => {
    const alice = await newUser(server(), "alice");
    const { content_uri: mxc } = await alice.uploadContent(new Blob([makePng(8, 8)], { type: "image/png" }), { type: "image/png" });

    const unauthenticated = await fetch(alice.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, false, true));
    assert.equal(unauthenticated.status, 401);
    assert.equal((await unauthenticated.json()).errcode, "M_MISSING_TOKEN");

    const legacy = await fetch(alice.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, false, false));
    assert.equal(legacy.status, 404);
    assert.equal((await legacy.json()).errcode, "M_NOT_FOUND");

    const config = await alice.getMediaConfig(true);
    assert.equal(config["m.upload.size"], 50 * 1024 * 1024);
  });
});
