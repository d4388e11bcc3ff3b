// matrix-js-sdk against the endpoints a client calls before it has an account.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Method, MatrixError } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { clientFor } from "../clients.mjs";

describe("discovery and errors (matrix-js-sdk)", () => {
  const server = useServer();

  test("getVersions lists spec v1.19", async () => {
    const versions = await clientFor(server()).getVersions();
    assert.ok(versions.versions.includes("v1.19"), `versions: ${JSON.stringify(versions)}`);
  });

  test("whoami without an access token fails with M_MISSING_TOKEN", async () => {
    await assert.rejects(clientFor(server()).whoami(), (err) => {
      assert.ok(err instanceof MatrixError, `not a MatrixError: ${err}`);
      assert.equal(err.errcode, "M_MISSING_TOKEN");
      assert.equal(err.httpStatus, 401);
      return true;
    });
  });

  test("whoami with an unknown access token fails with M_UNKNOWN_TOKEN", async () => {
    const client = clientFor(server(), { accessToken: "syt_not_a_real_token" });
    await assert.rejects(client.whoami(), (err) => {
      assert.ok(err instanceof MatrixError, `not a MatrixError: ${err}`);
      assert.equal(err.errcode, "M_UNKNOWN_TOKEN");
      assert.equal(err.httpStatus, 401);
      return true;
    });
  });

  test("an unknown endpoint fails with M_UNRECOGNIZED", async () => {
    const client = clientFor(server());
    await assert.rejects(client.http.request(Method.Get, "/org.ranvier.e2e/no_such_endpoint"), (err) => {
      assert.ok(err instanceof MatrixError, `not a MatrixError: ${err}`);
      assert.equal(err.errcode, "M_UNRECOGNIZED");
      assert.equal(err.httpStatus, 404);
      return true;
    });
  });
});
