using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Push;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.Push;

/// <summary>m.push_rules in /sync's account data (spec: "Push Rules: Events").</summary>
public sealed class PushRulesSyncContributorTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private TestHost host = null!;
    private PushRulesSyncContributor contributor = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        await host.CreateUserWithTokenAsync("alice");
        contributor = host.Services.GetServices<ISyncContributor>().OfType<PushRulesSyncContributor>().ShouldHaveSingleItem();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static SyncWindow Window(SyncToken? since, bool fullState = false, Filter? filter = null) => new()
    {
        Request = new SyncRequest(Alice, "DEVICE", since, fullState, filter ?? Filter.Empty, null, false),
        Upto = new SyncToken(100, 0),
        JoinedRoomIds = new HashSet<string>(),
        FromScratchRoomIds = new HashSet<string>(),
    };

    private static JsonObject? PushRules(SyncResponse response) =>
        response.AccountData.OfType<JsonObject>().SingleOrDefault(e => e["type"]!.GetValue<string>() == "m.push_rules");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sync_from_scratch_carries_the_effective_rules_even_when_none_are_stored(bool fullState)
    {
        var response = new SyncResponse(new SyncToken(100, 0));

        await contributor.ContributeAsync(Window(fullState ? new SyncToken(5, 0) : null, fullState), response, CancellationToken.None);

        var content = PushRules(response).ShouldNotBeNull()["content"]!.AsObject();
        content["global"]!["override"]![0]!["rule_id"]!.GetValue<string>().ShouldBe(".m.rule.master");
    }

    [Fact]
    public async Task An_incremental_sync_without_a_rules_change_adds_nothing()
    {
        var response = new SyncResponse(new SyncToken(100, 0));

        await contributor.ContributeAsync(Window(new SyncToken(5, 0)), response, CancellationToken.None);

        response.AccountData.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stored_copy_the_sync_service_found_is_replaced_by_the_effective_rules()
    {
        var response = new SyncResponse(new SyncToken(100, 0));
        response.AccountData.Add(new JsonObject
        {
            ["type"] = "m.push_rules",
            ["content"] = JsonNode.Parse("""{"global":{"content":[{"rule_id":".m.rule.contains_user_name","default":true,"enabled":true,"pattern":"alice","actions":["notify"]}]}}"""),
        });

        await contributor.ContributeAsync(Window(new SyncToken(5, 0)), response, CancellationToken.None);

        var global = PushRules(response).ShouldNotBeNull()["content"]!["global"]!;
        global["content"]!.AsArray().ShouldBeEmpty();
        global["underride"]!.AsArray().Count.ShouldBe(5);
    }

    [Fact]
    public async Task A_filter_that_excludes_the_type_keeps_it_out_of_an_initial_sync()
    {
        var response = new SyncResponse(new SyncToken(100, 0));
        var filter = Filter.Empty with { AccountData = new EventFilter { NotTypes = ["m.push_*"] } };

        await contributor.ContributeAsync(Window(null, filter: filter), response, CancellationToken.None);

        response.AccountData.ShouldBeEmpty();
    }
}
