using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Processes;

/// <summary>Percent-encoded path segments over real Kestrel, whose path decoding differs from the in-process test server's.</summary>
public class EncodedPathTests
{
    [Fact]
    public async Task State_keys_with_slashes_and_percent_signs_round_trip()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["RANVIER_REGISTRATION__MODE"] = "open" });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var registered = await (await http.PostAsJsonAsync("/_matrix/client/v3/register", new { username = "alice", password = "correct horse", auth = new { type = "m.login.dummy" } }))
            .ShouldBeOkJsonAsync();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registered.GetProperty("access_token").GetString());
        var room = (await (await http.PostAsJsonAsync("/_matrix/client/v3/createRoom", new { })).ShouldBeOkJsonAsync()).GetProperty("room_id").GetString()!;
        string[] keys = ["a/b", "50%/x", "%2F literally"];
        for (var i = 0; i < keys.Length; i++)
        {
            var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(room)}/state/org.example.k/{Uri.EscapeDataString(keys[i])}";
            await (await http.PutAsJsonAsync(path, new { v = i })).ShouldBeOkJsonAsync();
            (await http.GetFromJsonAsync<JsonElement>(path)).GetProperty("v").GetInt32().ShouldBe(i);
        }

        var state = await http.GetFromJsonAsync<JsonElement>($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(room)}/state");
        state.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "org.example.k").Select(e => e.GetProperty("state_key").GetString())
            .ShouldBe(keys, ignoreOrder: true);
    }
}
