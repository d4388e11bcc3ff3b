using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Hosting;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class ServerKeyEndpointsTests
{
    [Fact]
    public async Task Server_keys_are_signed_by_the_key_they_publish()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\n");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var body = JsonNode.Parse(await host.Client.GetStringAsync("/_matrix/key/v2/server"))!.AsObject();

        body["server_name"]!.GetValue<string>().ShouldBe("example.org");
        body["valid_until_ts"]!.GetValue<long>().ShouldBeGreaterThan(before + (long)TimeSpan.FromHours(23).TotalMilliseconds);
        body["old_verify_keys"]!.AsObject().Count.ShouldBe(0);
        var (keyId, key) = body["verify_keys"]!.AsObject().Single();
        var publicKey = UnpaddedBase64.Decode(key!["key"]!.GetValue<string>());
        JsonSigning.Verify(body, "example.org", KeyId.Parse(keyId), publicKey).ShouldBe(SignatureCheck.Valid);
    }

    [Fact]
    public async Task A_tampered_key_response_does_not_verify()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\n");
        var body = JsonNode.Parse(await host.Client.GetStringAsync("/_matrix/key/v2/server"))!.AsObject();
        var (keyId, key) = body["verify_keys"]!.AsObject().Single();
        var publicKey = UnpaddedBase64.Decode(key!["key"]!.GetValue<string>());

        body["valid_until_ts"] = body["valid_until_ts"]!.GetValue<long>() + 1;

        JsonSigning.Verify(body, "example.org", KeyId.Parse(keyId), publicKey).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public async Task The_signing_key_is_created_private_and_reused()
    {
        using var directory = new TempDirectory();
        var yaml = $"data_directory: {directory.Path}\n";
        string first;
        await using (var host = await TestHost.StartAsync(yaml))
        {
            first = await host.Client.GetStringAsync("/_matrix/key/v2/server");
        }

        var path = Path.Combine(directory.Path, "signing.key");
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var again = await TestHost.StartAsync(yaml);
        var second = await again.Client.GetStringAsync("/_matrix/key/v2/server");
        JsonNode.Parse(second)!["verify_keys"]!.ToJsonString().ShouldBe(JsonNode.Parse(first)!["verify_keys"]!.ToJsonString());
    }

    [Fact]
    public async Task A_corrupt_signing_key_file_stops_start_up_with_its_path()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "signing.key");
        await File.WriteAllTextAsync(path, "ed25519 a_bad not-base64!\n");

        var error = await Should.ThrowAsync<StartupException>(() => TestHost.StartAsync($"data_directory: {directory.Path}\n"));

        error.Message.ShouldContain(path);
    }
}
