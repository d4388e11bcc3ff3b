using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class RedactionTests : RoomTestBase
{

    private async Task<string> PublicRoomWithBobAsync(string version = "12")
    {
        var roomId = await host.Client.CreateRoomAsync(alice, $$"""{"preset":"public_chat","room_version":"{{version}}"}""");
        await host.Client.JoinAsync(bob, roomId);
        return roomId;
    }

    [Fact]
    public async Task Sender_redacts_own_message_and_it_is_served_redacted_with_redacted_because()
    {
        var roomId = await PublicRoomWithBobAsync();
        var message = await host.Client.SendTextAsync(bob, roomId, "oops");

        var redaction = await host.Client.RedactAsync(bob, roomId, message, """{"reason":"typo"}""");

        var served = await host.Client.GetEventAsync(alice, roomId, message);
        served.GetProperty("content").EnumerateObject().ShouldBeEmpty();
        served.GetProperty("type").GetString().ShouldBe("m.room.message");
        var because = served.GetProperty("unsigned").GetProperty("redacted_because");
        because.GetProperty("event_id").GetString().ShouldBe(redaction);
        because.GetProperty("type").GetString().ShouldBe("m.room.redaction");
        because.GetProperty("content").GetProperty("reason").GetString().ShouldBe("typo");
        because.GetProperty("redacts").GetString().ShouldBe(message);
        because.GetProperty("content").GetProperty("redacts").GetString().ShouldBe(message, "v11+ rooms carry redacts in content");
    }

    [Fact]
    public async Task Redacting_someone_elses_event_needs_the_redact_level()
    {
        var roomId = await PublicRoomWithBobAsync();
        var byAlice = await host.Client.SendTextAsync(alice, roomId, "from alice");
        var byBob = await host.Client.SendTextAsync(bob, roomId, "from bob");

        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, byAlice), "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await host.Client.GetEventAsync(alice, roomId, byAlice)).GetProperty("content").GetProperty("body").GetString().ShouldBe("from alice");

        // The creator (v12: infinite power) may redact bob's message.
        await host.Client.RedactAsync(alice, roomId, byBob);
        (await host.Client.GetEventAsync(bob, roomId, byBob)).GetProperty("content").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Redact_level_granted_in_power_levels_lets_a_moderator_redact()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","room_version":"10"}""");
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.JoinAsync(carol, roomId);
        var levels = await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels");
        var updated = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(levels.GetRawText())!;
        updated["users"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["@alice:example.org"] = 100, ["@carol:example.org"] = 50 });
        await host.Client.SetStateAsync(alice, roomId, "m.room.power_levels", "", JsonSerializer.Serialize(updated));
        var byBob = await host.Client.SendTextAsync(bob, roomId, "spam");

        await host.Client.RedactAsync(carol, roomId, byBob);

        (await host.Client.GetEventAsync(alice, roomId, byBob)).GetProperty("unsigned").TryGetProperty("redacted_because", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Non_member_cannot_redact_and_learns_nothing_about_the_event()
    {
        var roomId = await PublicRoomWithBobAsync();
        var message = await host.Client.SendTextAsync(bob, roomId, "hi");

        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, message), "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, "$unknown"), "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Redacting_an_unknown_event_or_one_of_another_room_is_not_found()
    {
        var roomId = await PublicRoomWithBobAsync();
        var otherRoom = await host.Client.CreateRoomAsync(alice);
        var elsewhere = await host.Client.SendTextAsync(alice, otherRoom, "elsewhere");

        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, "$unknown"), "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, elsewhere), "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Guests_cannot_redact()
    {
        var roomId = await PublicRoomWithBobAsync();
        var guest = await host.CreateUserWithTokenAsync("guest1", AccountKind.Guest);
        var message = await host.Client.SendTextAsync(alice, roomId, "hi");

        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, message), "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Reason_must_be_a_string()
    {
        var roomId = await PublicRoomWithBobAsync();
        var message = await host.Client.SendTextAsync(bob, roomId, "hi");

        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, message), """{"reason":5}""", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, message), "{", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
        await (await host.Client.PutJsonAsync(RelationsClient.Redact(roomId, message), "[]", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task A_retried_transaction_returns_the_same_redaction()
    {
        var roomId = await PublicRoomWithBobAsync();
        var message = await host.Client.SendTextAsync(bob, roomId, "hi");
        var path = RelationsClient.Redact(roomId, message);

        var first = await (await host.Client.PutJsonAsync(path, "{}", bob)).ShouldBeOkJsonAsync();
        var second = await (await host.Client.PutJsonAsync(path, "{}", bob)).ShouldBeOkJsonAsync();

        second.GetProperty("event_id").GetString().ShouldBe(first.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Redaction_through_send_gets_the_same_permission_check()
    {
        var roomId = await PublicRoomWithBobAsync();
        var byAlice = await host.Client.SendTextAsync(alice, roomId, "from alice");
        var byBob = await host.Client.SendTextAsync(bob, roomId, "from bob");
        var send = $"{RoomClient.Room(roomId)}/send/m.room.redaction/{RoomClient.NextTxnId()}";

        await (await host.Client.PutJsonAsync(send, JsonSerializer.Serialize(new { redacts = byAlice }), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await host.Client.SendEventAsync(bob, roomId, "m.room.redaction", JsonSerializer.Serialize(new { redacts = byBob }));

        (await host.Client.GetEventAsync(alice, roomId, byBob)).GetProperty("content").EnumerateObject().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("11")]
    public async Task Redacted_state_keeps_what_the_room_versions_algorithm_keeps(string version)
    {
        // The v11 algorithm keeps m.room.create's whole content and power_levels' invite; v1 keeps neither.
        var roomId = await host.Client.CreateRoomAsync(alice, $$"""{"preset":"public_chat","room_version":"{{version}}"}""");
        var levels = await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels");
        var plEvent = await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.power_levels?format=event", alice)).ShouldBeOkJsonAsync();
        var plId = plEvent.GetProperty("event_id").GetString()!;
        levels.TryGetProperty("invite", out _).ShouldBeTrue();

        await host.Client.RedactAsync(alice, roomId, plId);

        var redacted = (await host.Client.GetEventAsync(alice, roomId, plId)).GetProperty("content");
        redacted.TryGetProperty("users", out _).ShouldBeTrue();
        redacted.TryGetProperty("invite", out _).ShouldBe(version == "11");
        var topicId = await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"secret"}""");
        await host.Client.RedactAsync(alice, roomId, topicId);
        (await host.Client.GetEventAsync(alice, roomId, topicId)).GetProperty("content").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redacted_state_event_counts_in_its_redacted_form_for_the_auth_rules()
    {
        // v10 redaction keeps ban, kick, redact, users and events of power levels, but not "invite".
        var roomId = await host.Client.CreateRoomAsync(alice, """{"room_version":"10","preset":"public_chat","power_level_content_override":{"invite":50}}""");
        await host.Client.JoinAsync(bob, roomId);
        var levels = await host.Client.SetStateAsync(alice, roomId, "m.room.power_levels", "",
            """{"users":{"@alice:example.org":100},"invite":50,"state_default":50,"events_default":0}""");
        await (await host.Client.PostJsonAsync($"{RoomClient.Room(roomId)}/invite", """{"user_id":"@carol:example.org"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await host.Client.RedactAsync(alice, roomId, levels);

        await host.Client.InviteAsync(bob, roomId, "@carol:example.org");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels")).TryGetProperty("invite", out _).ShouldBeFalse();
    }
}
