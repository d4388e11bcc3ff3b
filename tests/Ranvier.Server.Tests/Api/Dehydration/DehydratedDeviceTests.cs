using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Keys;
using Ranvier.Server.Tests.Api.ToDevice;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Dehydration;

public sealed class DehydratedDeviceTests : IAsyncLifetime
{
    private const string Prefix = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device";
    private const string Alice = "@alice:example.org";
    private const string DeviceId = "ZGVoeWRyYXRlZCtrZXkvMQ";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string bobToken = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        aliceToken = await host.CreateUserWithTokenAsync("alice");
        bobToken = await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>A PUT body as the Rust crypto SDK sends it: the device, its data, and its signed keys.</summary>
    private static string Body(string deviceId = DeviceId, string pickle = "p1", Action<JsonObject>? tamper = null)
    {
        var keys = new TestDeviceKeys(Alice, deviceId);
        var body = new JsonObject
        {
            ["device_id"] = deviceId,
            ["device_data"] = new JsonObject { ["algorithm"] = "org.matrix.msc3814.v2", ["device_pickle"] = pickle, ["nonce"] = "n" },
            ["initial_device_display_name"] = "Dehydrated device",
            ["device_keys"] = keys.DeviceKeys(),
            ["one_time_keys"] = keys.OneTimeKeys(2),
            ["fallback_keys"] = keys.OneTimeKeys(1, firstId: 9, fallback: true),
        };
        tamper?.Invoke(body);
        return body.ToJsonString();
    }

    /// <summary>The user's devices that /keys/query lists with keys.</summary>
    private async Task<List<string>> QueriedDevicesAsync()
    {
        var response = await (await host.Client.PostJsonAsync("/_matrix/client/v3/keys/query", $$$"""{"device_keys":{"{{{Alice}}}":[]} }""", bobToken)).ShouldBeOkJsonAsync();
        return response.GetProperty("device_keys").TryGetProperty(Alice, out var devices) ? [.. devices.EnumerateObject().Select(d => d.Name)] : [];
    }

    private Task<HttpResponseMessage> PutAsync(string body, string? token = null) => host.Client.PutJsonAsync(Prefix, body, token ?? aliceToken);

    private Task<HttpResponseMessage> GetAsync(string path = "", string? token = null) => host.Client.GetWithTokenAsync(Prefix + path, token ?? aliceToken);

    private static string EventsPath(string deviceId = DeviceId, string? from = null) =>
        "/" + Uri.EscapeDataString(deviceId) + "/events" + (from is null ? "" : "?from=" + Uri.EscapeDataString(from));

    private long Position => host.Services.GetRequiredService<StreamNotifier>().Position;

    private async Task SendToDehydratedAsync(int count, string deviceId = DeviceId)
    {
        for (var i = 0; i < count; i++)
        {
            await (await host.SendAsync(bobToken, $"t{i}-{deviceId}", $$$"""{"{{{Alice}}}":{"{{{deviceId}}}":{"n":{{{i}}} } } }""", "m.room.encrypted")).ShouldBeOkJsonAsync();
        }
    }

    [Fact]
    public async Task Without_a_dehydrated_device_get_and_delete_are_not_found()
    {
        await (await GetAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.DeleteWithTokenAsync(Prefix, aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_stored_device_is_returned_with_its_data_and_is_one_of_the_users_devices()
    {
        var before = Position;

        (await (await PutAsync(Body())).ShouldBeOkJsonAsync()).GetRawText().ShouldBe($$"""{"device_id":"{{DeviceId}}"}""");

        var got = await (await GetAsync()).ShouldBeOkJsonAsync();
        got.GetProperty("device_id").GetString().ShouldBe(DeviceId);
        got.GetProperty("device_data").GetRawText().ShouldBe("""{"algorithm":"org.matrix.msc3814.v2","device_pickle":"p1","nonce":"n"}""");
        var device = await host.Services.GetRequiredService<IAccountStore>().GetDeviceAsync(Alice, DeviceId);
        device!.DisplayName.ShouldBe("Dehydrated device");
        Position.ShouldBeGreaterThan(before);
        await (await GetAsync(token: bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Its_keys_are_stored_for_the_dehydrated_device_and_can_be_claimed()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();

        (await QueriedDevicesAsync()).ShouldBe([DeviceId]);
        var claim = await (await host.Client.PostJsonAsync(
            "/_matrix/client/v3/keys/claim", $$$"""{"one_time_keys":{"{{{Alice}}}":{"{{{DeviceId}}}":"signed_curve25519"} } }""", bobToken)).ShouldBeOkJsonAsync();
        claim.GetProperty("one_time_keys").GetProperty(Alice).GetProperty(DeviceId).EnumerateObject().Single().Name.ShouldStartWith("signed_curve25519:");
    }

    [Fact]
    public async Task Replacing_the_device_replaces_the_keys_other_users_see()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();

        await (await PutAsync(Body("OTHERDEVICE", "p2"))).ShouldBeOkJsonAsync();

        (await QueriedDevicesAsync()).ShouldBe(["OTHERDEVICE"]);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "device_keys of another device", "other-device" },
        { "a device_keys signature that does not verify", "bad-signature" },
        { "no device_keys", "missing" },
        { "one-time keys that are not objects or strings", "bad-otk" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Bad_keys_are_refused_before_anything_is_written(string why, string tamper)
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();
        var before = Position;
        var body = Body("NEWDEVICE", "p2", b =>
        {
            switch (tamper)
            {
                case "other-device":
                    b["device_keys"] = new TestDeviceKeys(Alice, "ELSEWHERE").DeviceKeys();
                    break;
                case "bad-signature":
                    b["device_keys"] = new TestDeviceKeys(Alice, "NEWDEVICE").DeviceKeys(k => k["algorithms"] = new JsonArray("changed"));
                    break;
                case "missing":
                    b.Remove("device_keys");
                    break;
                default:
                    b["one_time_keys"] = new JsonObject { ["signed_curve25519:A"] = 7 };
                    break;
            }
        });

        var response = await PutAsync(body);

        ((int)response.StatusCode).ShouldBe(400, why);
        (await (await GetAsync()).ShouldBeOkJsonAsync()).GetProperty("device_id").GetString().ShouldBe(DeviceId, why);
        (await QueriedDevicesAsync()).ShouldBe([DeviceId], why);
        Position.ShouldBe(before, why);
    }

    [Fact]
    public async Task A_new_device_replaces_the_previous_one_and_its_messages()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();
        await SendToDehydratedAsync(2);

        await (await PutAsync(Body("OTHERDEVICE", "p2"))).ShouldBeOkJsonAsync();

        (await (await GetAsync()).ShouldBeOkJsonAsync()).GetProperty("device_id").GetString().ShouldBe("OTHERDEVICE");
        (await host.Services.GetRequiredService<IAccountStore>().GetDeviceAsync(Alice, DeviceId)).ShouldBeNull();
        await (await GetAsync(EventsPath())).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await (await GetAsync(EventsPath("OTHERDEVICE"))).ShouldBeOkJsonAsync()).GetProperty("events").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Deleting_returns_the_device_id_and_removes_the_device()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();

        (await (await host.Client.DeleteWithTokenAsync(Prefix, aliceToken)).ShouldBeOkJsonAsync()).GetProperty("device_id").GetString().ShouldBe(DeviceId);

        await (await GetAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await host.Services.GetRequiredService<IAccountStore>().GetDeviceAsync(Alice, DeviceId)).ShouldBeNull();
    }

    [Fact]
    public async Task An_existing_ordinary_device_id_is_refused()
    {
        await (await PutAsync(Body("DEVICEALICE"))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        await (await GetAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"device_data":{"algorithm":"a"}}""", "M_MISSING_PARAM")]
    [InlineData("""{"device_id":"D"}""", "M_MISSING_PARAM")]
    [InlineData("""{"device_id":"D","device_data":{}}""", "M_MISSING_PARAM")]
    [InlineData("""{"device_id":7,"device_data":{"algorithm":"a"}}""", "M_BAD_JSON")]
    [InlineData("""{"device_id":"D","device_data":"x"}""", "M_BAD_JSON")]
    [InlineData("""{"device_id":"D","device_data":{"algorithm":"a"},"initial_device_display_name":1}""", "M_BAD_JSON")]
    [InlineData("""{"device_id":"","device_data":{"algorithm":"a"}}""", "M_INVALID_PARAM")]
    [InlineData("""nope""", "M_NOT_JSON")]
    public async Task A_bad_body_is_refused_and_creates_nothing(string body, string errcode)
    {
        var before = Position;

        await (await PutAsync(body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        await (await GetAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await host.Services.GetRequiredService<IAccountStore>().ListDevicesAsync(Alice)).ShouldHaveSingleItem();
        Position.ShouldBe(before);
    }

    [Fact]
    public async Task Events_are_paged_with_next_batch_until_none_are_left_and_reading_consumes_nothing()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();
        await SendToDehydratedAsync(101);

        var first = await (await GetAsync(EventsPath())).ShouldBeOkJsonAsync();
        first.GetProperty("events").GetArrayLength().ShouldBe(100);
        var firstEvent = first.GetProperty("events")[0];
        firstEvent.GetProperty("sender").GetString().ShouldBe("@bob:example.org");
        firstEvent.GetProperty("type").GetString().ShouldBe("m.room.encrypted");
        firstEvent.GetProperty("content").GetRawText().ShouldBe("""{"n":0}""");
        var next = first.GetProperty("next_batch").GetString()!;

        var second = await (await GetAsync(EventsPath(from: next))).ShouldBeOkJsonAsync();
        second.GetProperty("events").EnumerateArray().Single().GetProperty("content").GetRawText().ShouldBe("""{"n":100}""");
        second.TryGetProperty("next_batch", out _).ShouldBeFalse();

        // Reading again from the start gives the same messages: nothing was deleted.
        (await (await GetAsync(EventsPath())).ShouldBeOkJsonAsync()).GetProperty("events").GetArrayLength().ShouldBe(100);
    }

    [Fact]
    public async Task Exactly_one_full_page_ends_without_next_batch()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();
        await SendToDehydratedAsync(100);

        var page = await (await GetAsync(EventsPath())).ShouldBeOkJsonAsync();

        page.GetProperty("events").GetArrayLength().ShouldBe(100);
        page.TryGetProperty("next_batch", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_post_form_always_answers_next_batch_and_ends_with_an_empty_page()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();
        await SendToDehydratedAsync(2);

        var first = await (await host.Client.PostJsonAsync(Prefix + EventsPath(), "{}", aliceToken)).ShouldBeOkJsonAsync();
        first.GetProperty("events").GetArrayLength().ShouldBe(2);
        var next = first.GetProperty("next_batch").GetString()!;

        var last = await (await host.Client.PostJsonAsync(Prefix + EventsPath(), JsonSerializer.Serialize(new { next_batch = next }), aliceToken)).ShouldBeOkJsonAsync();
        last.GetProperty("events").GetArrayLength().ShouldBe(0);
        last.GetProperty("next_batch").GetString().ShouldBe(next);
    }

    [Fact]
    public async Task Events_of_another_device_or_with_a_bad_token_are_refused()
    {
        await (await PutAsync(Body())).ShouldBeOkJsonAsync();

        await (await GetAsync(EventsPath("DEVICEALICE"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await GetAsync(EventsPath(), bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await GetAsync(EventsPath(from: "abc"))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task The_endpoints_need_an_access_token()
    {
        await (await host.Client.GetWithTokenAsync(Prefix, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PutJsonAsync(Prefix, Body(), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
