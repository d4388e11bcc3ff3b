using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class RelationsTests : RoomTestBase
{

    private async Task<string> RoomWithBobAsync(string body = """{"preset":"public_chat"}""")
    {
        var roomId = await host.Client.CreateRoomAsync(alice, body);
        await host.Client.InviteAsync(alice, roomId, "@bob:example.org");
        await host.Client.JoinAsync(bob, roomId);
        return roomId;
    }

    private static string Relations(string eventId, string suffix = "") => $"/relations/{Uri.EscapeDataString(eventId)}{suffix}";

    [Fact]
    public async Task Children_are_listed_newest_first_and_filtered_by_rel_type_and_event_type()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var reference = await host.Client.SendRelatedAsync(bob, roomId, "m.reference", root, "see this");
        var reaction = await host.Client.ReactAsync(bob, roomId, root, "👍");
        var reply = await host.Client.SendEventAsync(bob, roomId, "m.room.message",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["body"] = "reply", ["m.relates_to"] = new Dictionary<string, object> { ["m.in_reply_to"] = new { event_id = root } } }));

        var all = await host.Client.GetV1Async(alice, roomId, Relations(root));
        all.GetProperty("chunk").EventIds().ShouldBe([reaction, reference], "a rich reply is not a relation");
        all.TryGetProperty("next_batch", out _).ShouldBeFalse();
        all.TryGetProperty("recursion_depth", out _).ShouldBeFalse();
        (await host.Client.GetV1Async(alice, roomId, Relations(root, "/m.annotation"))).GetProperty("chunk").EventIds().ShouldBe([reaction]);
        (await host.Client.GetV1Async(alice, roomId, Relations(root, "/m.annotation/m.reaction"))).GetProperty("chunk").EventIds().ShouldBe([reaction]);
        (await host.Client.GetV1Async(alice, roomId, Relations(root, "/m.annotation/m.room.message"))).GetProperty("chunk").EventIds().ShouldBeEmpty();
        (await host.Client.GetV1Async(alice, roomId, Relations(reply))).GetProperty("chunk").EventIds().ShouldBeEmpty();
    }

    [Fact]
    public async Task Pages_follow_next_batch_in_both_directions()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var children = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            children.Add(await host.Client.SendRelatedAsync(bob, roomId, "m.reference", root, $"ref {i}"));
        }

        var first = await host.Client.GetV1Async(alice, roomId, Relations(root) + "?limit=2");
        first.GetProperty("chunk").EventIds().ShouldBe([children[4], children[3]]);
        var token = first.GetProperty("next_batch").GetString()!;
        var second = await host.Client.GetV1Async(alice, roomId, Relations(root) + $"?limit=2&from={token}");
        second.GetProperty("chunk").EventIds().ShouldBe([children[2], children[1]]);
        second.GetProperty("prev_batch").GetString().ShouldBe(token);
        var last = await host.Client.GetV1Async(alice, roomId, Relations(root) + $"?limit=2&from={second.GetProperty("next_batch").GetString()}");
        last.GetProperty("chunk").EventIds().ShouldBe([children[0]]);
        last.TryGetProperty("next_batch", out _).ShouldBeFalse();

        var forward = await host.Client.GetV1Async(alice, roomId, Relations(root) + "?dir=f&limit=3");
        forward.GetProperty("chunk").EventIds().ShouldBe([children[0], children[1], children[2]]);
        var rest = await host.Client.GetV1Async(alice, roomId, Relations(root) + $"?dir=f&from={forward.GetProperty("next_batch").GetString()}");
        rest.GetProperty("chunk").EventIds().ShouldBe([children[3], children[4]]);

        // 'to' bounds the page: from page 1's token to page 2's covers page 2 exactly.
        var bounded = await host.Client.GetV1Async(alice, roomId, Relations(root) + $"?from={token}&to={second.GetProperty("next_batch").GetString()}");
        bounded.GetProperty("chunk").EventIds().ShouldBe([children[2], children[1]]);
    }

    [Fact]
    public async Task Recurse_follows_relations_of_relations_through_matching_events_only()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var thread = await host.Client.SendRelatedAsync(bob, roomId, "m.thread", root, "in thread");
        var edit = await host.Client.EditAsync(bob, roomId, thread, "in thread (edited)");
        var reaction = await host.Client.ReactAsync(alice, roomId, thread, "🎉");

        var direct = await host.Client.GetV1Async(alice, roomId, Relations(root) + "?recurse=false");
        direct.GetProperty("chunk").EventIds().ShouldBe([thread]);
        direct.GetProperty("recursion_depth").GetInt32().ShouldBe(1);
        var recursive = await host.Client.GetV1Async(alice, roomId, Relations(root) + "?recurse=true");
        recursive.GetProperty("chunk").EventIds().ShouldBe([reaction, edit, thread]);
        recursive.GetProperty("recursion_depth").GetInt32().ShouldBe(3);
        // The annotation relates to the root only through a thread event, which the rel_type filter excludes.
        (await host.Client.GetV1Async(alice, roomId, Relations(root, "/m.annotation") + "?recurse=true")).GetProperty("chunk").EventIds().ShouldBeEmpty();
    }

    [Fact]
    public async Task Redacted_children_are_no_longer_related()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var reaction = await host.Client.ReactAsync(bob, roomId, root, "👍");
        await host.Client.RedactAsync(bob, roomId, reaction);

        (await host.Client.GetV1Async(alice, roomId, Relations(root))).GetProperty("chunk").EventIds().ShouldBeEmpty();
        // With the first reaction redacted, the same annotation may be sent again.
        await host.Client.ReactAsync(bob, roomId, root, "👍");
    }

    [Fact]
    public async Task Edits_are_bundled_as_the_latest_valid_replacement_without_changing_the_content()
    {
        var roomId = await RoomWithBobAsync();
        var original = await host.Client.SendTextAsync(bob, roomId, "teh cake");
        var first = await host.Client.EditAsync(bob, roomId, original, "the cake");
        var second = await host.Client.EditAsync(bob, roomId, original, "the cake!");
        await host.Client.EditAsync(alice, roomId, original, "not bob's edit");
        await host.Client.EditAsync(bob, roomId, original, "wrong type", type: "m.sticker");

        // The most recent valid edit by origin_server_ts, ties broken by the greater event ID (spec: event replacements).
        var valid = new[] { (Id: first, Body: "the cake"), (Id: second, Body: "the cake!") };
        var timestamps = new Dictionary<string, long>();
        foreach (var (id, _) in valid)
        {
            timestamps[id] = (await host.Client.GetEventAsync(alice, roomId, id)).GetProperty("origin_server_ts").GetInt64();
        }

        var latest = valid.OrderBy(e => timestamps[e.Id]).ThenBy(e => e.Id, StringComparer.Ordinal).Last();
        var served = await host.Client.GetEventAsync(alice, roomId, original);

        served.GetProperty("content").GetProperty("body").GetString().ShouldBe("teh cake");
        var replace = served.GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.replace");
        replace.GetProperty("event_id").GetString().ShouldBe(latest.Id);
        replace.GetProperty("sender").GetString().ShouldBe("@bob:example.org");
        replace.GetProperty("content").GetProperty("m.new_content").GetProperty("body").GetString().ShouldBe(latest.Body);
        replace.GetProperty("origin_server_ts").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_redacted_original_bundles_no_edit_and_a_redacted_edit_reverts_the_bundle()
    {
        var roomId = await RoomWithBobAsync();
        var original = await host.Client.SendTextAsync(bob, roomId, "v1");
        var first = await host.Client.EditAsync(bob, roomId, original, "v2");
        var second = await host.Client.EditAsync(bob, roomId, original, "v3");

        await host.Client.RedactAsync(bob, roomId, second);
        (await host.Client.GetEventAsync(alice, roomId, original)).GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.replace")
            .GetProperty("event_id").GetString().ShouldBe(first);

        await host.Client.RedactAsync(bob, roomId, original);
        var unsigned = (await host.Client.GetEventAsync(alice, roomId, original)).GetProperty("unsigned");
        unsigned.TryGetProperty("m.relations", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task References_are_bundled_and_annotations_are_not()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var one = await host.Client.SendRelatedAsync(bob, roomId, "m.reference", root, "one");
        var two = await host.Client.SendRelatedAsync(alice, roomId, "m.reference", root, "two");
        await host.Client.ReactAsync(bob, roomId, root, "👍");

        var relations = (await host.Client.GetEventAsync(alice, roomId, root)).GetProperty("unsigned").GetProperty("m.relations");

        relations.GetProperty("m.reference").GetProperty("chunk").EventIds().ShouldBe([one, two]);
        relations.TryGetProperty("m.annotation", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_second_identical_annotation_is_refused()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        await host.Client.ReactAsync(bob, roomId, root, "👍");
        var content = JsonSerializer.Serialize(new Dictionary<string, object> { ["m.relates_to"] = new { rel_type = "m.annotation", event_id = root, key = "👍" } });

        var response = await host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/send/m.reaction/{RoomClient.NextTxnId()}", content, bob);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_DUPLICATE_ANNOTATION");
        await host.Client.ReactAsync(alice, roomId, root, "👍");
        await host.Client.ReactAsync(bob, roomId, root, "👎");
    }

    [Fact]
    public async Task Non_members_and_unknown_parents_get_not_found()
    {
        var roomId = await RoomWithBobAsync("""{"preset":"private_chat"}""");
        var root = await host.Client.SendTextAsync(alice, roomId, "root");

        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + Relations(root), carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + Relations("$unknown"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        var guest = await host.CreateUserWithTokenAsync("guest1", AccountKind.Guest);
        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + Relations(root), guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_former_member_sees_relations_only_up_to_their_leave()
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var before = await host.Client.SendRelatedAsync(alice, roomId, "m.reference", root, "before");
        await host.Client.LeaveAsync(bob, roomId);
        await host.Client.SendRelatedAsync(alice, roomId, "m.reference", root, "after");

        (await host.Client.GetV1Async(bob, roomId, Relations(root))).GetProperty("chunk").EventIds().ShouldBe([before]);
    }

    [Theory]
    [InlineData("?dir=x")]
    [InlineData("?limit=0")]
    [InlineData("?limit=abc")]
    [InlineData("?recurse=yes")]
    [InlineData("?from=garbage")]
    [InlineData("?to=t1")]
    public async Task Bad_parameters_are_invalid(string query)
    {
        var roomId = await RoomWithBobAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");

        var response = await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + Relations(root) + query, alice);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Requires_an_access_token()
    {
        var roomId = await RoomWithBobAsync();
        var response = await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + Relations("$x"), null);
        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
