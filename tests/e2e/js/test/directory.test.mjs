// Room aliases and the published room directory through matrix-js-sdk: createRoom with room_alias_name and
// visibility "public", publicRooms, getRoomIdForAlias, joining by alias, local aliases and directory visibility.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { newUser, uniqueLocalpart } from "../clients.mjs";

describe("room directory (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("a public room with an alias is listed, resolves, and another user joins it by alias", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const localpart = uniqueLocalpart("lobby");
    const alias = `#${localpart}:${server().serverName}`;

    const { room_id: roomId } = await alice.createRoom({
      room_alias_name: localpart,
      visibility: "public",
      preset: "public_chat",
      name: `Lobby ${localpart}`,
      topic: "Everyone welcome",
    });

    const resolved = await bob.getRoomIdForAlias(alias);
    assert.equal(resolved.room_id, roomId);
    assert.deepEqual(resolved.servers, [server().serverName]);

    const listed = (await bob.publicRooms()).chunk.find((r) => r.room_id === roomId);
    assert.ok(listed, "the room is in the published directory");
    assert.equal(listed.canonical_alias, alias);
    assert.equal(listed.name, `Lobby ${localpart}`);
    assert.equal(listed.topic, "Everyone welcome");
    assert.equal(listed.num_joined_members, 1);
    assert.equal(listed.join_rule, "public");

    const joined = await bob.joinRoom(alias);
    assert.equal(joined.roomId, roomId);
    assert.ok((await bob.getJoinedRooms()).joined_rooms.includes(roomId));

    const searched = await bob.publicRooms({ limit: 10, filter: { generic_search_term: localpart } });
    assert.deepEqual(searched.chunk.map((r) => r.room_id), [roomId]);
    assert.equal(searched.chunk[0].num_joined_members, 2);
  });

  test("local aliases are listed and deleted; only the room's admins change its visibility", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    const alias = `#${uniqueLocalpart("side")}:${server().serverName}`;

    await alice.createAlias(alias, roomId);
    assert.deepEqual((await alice.getLocalAliases(roomId)).aliases, [alias]);
    await assert.rejects(bob.getLocalAliases(roomId), (err) => err.errcode === "M_FORBIDDEN" && err.httpStatus === 403);

    assert.equal((await alice.getRoomDirectoryVisibility(roomId)).visibility, "private");
    await bob.joinRoom(alias);
    await assert.rejects(bob.setRoomDirectoryVisibility(roomId, "public"), (err) => err.errcode === "M_FORBIDDEN" && err.httpStatus === 403);
    await alice.setRoomDirectoryVisibility(roomId, "public");
    assert.equal((await bob.getRoomDirectoryVisibility(roomId)).visibility, "public");
    assert.ok((await bob.publicRooms()).chunk.some((r) => r.room_id === roomId));

    await assert.rejects(bob.deleteAlias(alias), (err) => err.errcode === "M_FORBIDDEN" && err.httpStatus === 403);
    await alice.deleteAlias(alias);
    await assert.rejects(bob.getRoomIdForAlias(alias), (err) => err.errcode === "M_NOT_FOUND" && err.httpStatus === 404);
  });
});
