// The Rust crypto (WASM) that matrix-js-sdk's E2EE uses loads in this Node; later E2EE scenarios rely on it.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as RustSdkCrypto from "@matrix-org/matrix-sdk-crypto-wasm";

test("the matrix-sdk-crypto WASM module loads and creates an OlmMachine with device keys", async () => {
  await RustSdkCrypto.initAsync();
  const machine = await RustSdkCrypto.OlmMachine.initialize(
    new RustSdkCrypto.UserId("@alice:localhost"),
    new RustSdkCrypto.DeviceId("E2ETESTDEVICE"),
  );
  try {
    const keys = machine.identityKeys;
    // Curve25519 and Ed25519 public keys are 32 bytes: 43 characters of unpadded base64.
    assert.match(keys.curve25519.toBase64(), /^[A-Za-z0-9+/]{43}$/);
    assert.match(keys.ed25519.toBase64(), /^[A-Za-z0-9+/]{43}$/);
    assert.equal(machine.deviceId.toString(), "E2ETESTDEVICE");
  } finally {
    machine.close();
  }
});
