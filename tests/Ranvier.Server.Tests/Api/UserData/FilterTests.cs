using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.UserData;

public sealed class FilterTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
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

    private async Task<string> CreateAsync(string user, string json, string token) =>
        (await (await host.Client.PostJsonAsync($"/_matrix/client/v3/user/{user}/filter", json, token)).ShouldBeOkJsonAsync())
            .GetProperty("filter_id").GetString()!;

    [Fact]
    public async Task A_filter_is_stored_read_back_and_typed()
    {
        const string Json = """
            {"event_fields":["type","content.body"],"event_format":"client",
             "presence":{"not_types":["*"]},
             "room":{"rooms":["!a:example.org"],"include_leave":true,
                     "timeline":{"limit":10,"types":["m.room.*"],"not_senders":["@spam:example.org"],"lazy_load_members":true},
                     "state":{"lazy_load_members":true,"include_redundant_members":false}}}
            """;

        var id = await CreateAsync(Alice, Json, aliceToken);

        id.ShouldNotStartWith("{");
        var back = await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Alice}/filter/{id}", aliceToken)).ShouldBeOkJsonAsync();
        back.GetProperty("room").GetProperty("timeline").GetProperty("limit").GetInt32().ShouldBe(10);
        var filter = (await host.Services.GetRequiredService<FilterService>().FindAsync(Alice, id, CancellationToken.None))!;
        filter.EventFields.ShouldBe(["type", "content.body"]);
        filter.Room.IncludeLeave.ShouldBeTrue();
        filter.Room.Timeline.Limit.ShouldBe(10);
        filter.Room.Timeline.LazyLoadMembers.ShouldBeTrue();
        filter.Room.Timeline.Allows("m.room.message", "@bob:example.org").ShouldBeTrue();
        filter.Room.Timeline.Allows("m.room.message", "@spam:example.org").ShouldBeFalse();
        filter.Room.Timeline.Allows("org.example", "@bob:example.org").ShouldBeFalse();
        filter.Presence.Allows("m.presence", "@bob:example.org").ShouldBeFalse();
        filter.Room.AllowsRoom("!b:example.org").ShouldBeFalse();
    }

    [Fact]
    public async Task Filters_of_other_users_are_forbidden_and_unknown_ids_not_found()
    {
        var id = await CreateAsync(Alice, "{}", aliceToken);

        await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Alice}/filter/{id}", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PostJsonAsync($"/_matrix/client/v3/user/{Alice}/filter", "{}", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        // Bob's own ID space does not contain Alice's filter.
        await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Bob}/filter/{id}", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Alice}/filter/999", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Alice}/filter/0{id}", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync($"/_matrix/client/v3/user/{Alice}/filter/abc", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"room":{"timeline":{"limit":"10"}}}""", "M_BAD_JSON")]
    [InlineData("""{"room":{"timeline":{"limit":1.5}}}""", "M_BAD_JSON")]
    [InlineData("""{"room":{"timeline":{"limit":-1}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"room":{"timeline":{"types":"m.room.message"}}}""", "M_BAD_JSON")]
    [InlineData("""{"room":{"timeline":{"types":[1]}}}""", "M_BAD_JSON")]
    [InlineData("""{"room":{"state":{"lazy_load_members":"yes"}}}""", "M_BAD_JSON")]
    [InlineData("""{"room":{"rooms":["not-a-room"]}}""", "M_INVALID_PARAM")]
    [InlineData("""{"room":{"ephemeral":{"not_rooms":["#alias:example.org"]}}}""", "M_INVALID_PARAM")]
    [InlineData("""{"presence":{"senders":["bob"]}}""", "M_INVALID_PARAM")]
    [InlineData("""{"account_data":[]}""", "M_BAD_JSON")]
    [InlineData("""{"event_format":"xml"}""", "M_INVALID_PARAM")]
    [InlineData("""{"event_fields":["content..body"]}""", "M_INVALID_PARAM")]
    [InlineData("""{"event_fields":"content"}""", "M_BAD_JSON")]
    [InlineData("""[{}]""", "M_BAD_JSON")]
    public async Task A_bad_filter_is_refused_and_not_stored(string json, string errcode)
    {
        await (await host.Client.PostJsonAsync($"/_matrix/client/v3/user/{Alice}/filter", json, aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        // The next filter gets the first ID: nothing was stored.
        (await CreateAsync(Alice, "{}", aliceToken)).ShouldBe("0");
    }

    [Theory]
    [InlineData("*", "m.room.message", true)]
    [InlineData("m.*", "m.room.message", true)]
    [InlineData("m.room.*", "m.room", false)]
    [InlineData("m.*.message", "m.room.message", true)]
    [InlineData("*.message", "m.room.name", false)]
    [InlineData("m.room.message", "m.room.message", true)]
    [InlineData("m.room.message", "m.room.messages", false)]
    public void Type_wildcards_match_any_sequence(string pattern, string type, bool allowed) =>
        new EventFilter { Types = [pattern] }.Allows(type, "@a:b").ShouldBe(allowed);
}
