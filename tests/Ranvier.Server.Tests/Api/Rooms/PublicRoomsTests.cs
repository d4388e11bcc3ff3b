using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Listing the published room directory (spec: list_public_rooms.yaml, GET and POST /publicRooms).</summary>
public sealed class PublicRoomsTests : RoomTestBase
{
    private const string PublicRooms = $"{RoomClient.V3}/publicRooms";

    private async Task<JsonElement> GetAsync(string query = "", string? token = null) =>
        await (await host.Client.GetWithTokenAsync(PublicRooms + query, token)).ShouldBeOkJsonAsync();

    private async Task<JsonElement> PostAsync(string body) =>
        await (await host.Client.PostJsonAsync(PublicRooms, body, alice)).ShouldBeOkJsonAsync();

    private static string[] RoomIds(JsonElement page) =>
        page.GetProperty("chunk").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()!).ToArray();

    [Fact]
    public async Task Only_published_rooms_are_listed_with_their_summary()
    {
        var published = await host.Client.CreateRoomAsync(alice,
            """{"visibility":"public","room_alias_name":"cheese","name":"Cheese","topic":"All about cheese","creation_content":{"type":"m.space"}}""");
        await host.Client.SetStateAsync(alice, published, "m.room.avatar", "", """{"url":"mxc://example.org/avatar"}""");
        await host.Client.SetStateAsync(alice, published, "m.room.history_visibility", "", """{"history_visibility":"world_readable"}""");
        await host.Client.SetStateAsync(alice, published, "m.room.guest_access", "", """{"guest_access":"can_join"}""");
        await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","name":"Hidden"}""");

        var page = await GetAsync();

        var room = page.GetProperty("chunk").EnumerateArray().ShouldHaveSingleItem();
        room.GetProperty("room_id").GetString().ShouldBe(published);
        room.GetProperty("name").GetString().ShouldBe("Cheese");
        room.GetProperty("topic").GetString().ShouldBe("All about cheese");
        room.GetProperty("canonical_alias").GetString().ShouldBe("#cheese:example.org");
        room.GetProperty("avatar_url").GetString().ShouldBe("mxc://example.org/avatar");
        room.GetProperty("num_joined_members").GetInt32().ShouldBe(1);
        room.GetProperty("world_readable").GetBoolean().ShouldBeTrue();
        room.GetProperty("guest_can_join").GetBoolean().ShouldBeTrue();
        room.GetProperty("join_rule").GetString().ShouldBe("public");
        room.GetProperty("room_type").GetString().ShouldBe("m.space");
        page.GetProperty("total_room_count_estimate").GetInt32().ShouldBe(1);
        page.TryGetProperty("next_batch", out _).ShouldBeFalse();
        page.TryGetProperty("prev_batch", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_room_without_optional_state_omits_those_fields()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"visibility":"public","preset":"private_chat"}""");

        var room = (await GetAsync()).GetProperty("chunk").EnumerateArray().ShouldHaveSingleItem();

        room.GetProperty("room_id").GetString().ShouldBe(roomId);
        room.GetProperty("world_readable").GetBoolean().ShouldBeFalse();
        room.GetProperty("guest_can_join").GetBoolean().ShouldBeTrue("private_chat sets guest_access can_join");
        room.GetProperty("join_rule").GetString().ShouldBe("invite");
        foreach (var absent in new[] { "name", "topic", "canonical_alias", "avatar_url", "room_type" })
        {
            room.TryGetProperty(absent, out _).ShouldBeFalse(absent);
        }
    }

    [Fact]
    public async Task An_unpublished_room_leaves_the_directory()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");
        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"private"}""")).ShouldBeOkJsonAsync();

        RoomIds(await GetAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Rooms_are_ordered_by_joined_members_then_room_id_and_paginate_both_ways()
    {
        var small = new[]
        {
            await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}"""),
            await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}"""),
            await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}"""),
        }.Order(StringComparer.Ordinal).ToArray();
        var big = await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");
        await host.Client.JoinAsync(bob, big);
        await host.Client.JoinAsync(carol, big);
        var medium = await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");
        await host.Client.JoinAsync(bob, medium);

        var first = await GetAsync("?limit=2");
        var second = await GetAsync("?limit=2&since=" + Uri.EscapeDataString(first.GetProperty("next_batch").GetString()!));
        var third = await GetAsync("?limit=2&since=" + Uri.EscapeDataString(second.GetProperty("next_batch").GetString()!));
        var back = await GetAsync("?limit=2&since=" + Uri.EscapeDataString(third.GetProperty("prev_batch").GetString()!));

        RoomIds(first).ShouldBe([big, medium]);
        first.GetProperty("chunk")[0].GetProperty("num_joined_members").GetInt32().ShouldBe(3);
        first.TryGetProperty("prev_batch", out _).ShouldBeFalse();
        RoomIds(second).ShouldBe([small[0], small[1]]);
        RoomIds(third).ShouldBe([small[2]]);
        third.TryGetProperty("next_batch", out _).ShouldBeFalse();
        RoomIds(back).ShouldBe(RoomIds(second));
        back.GetProperty("total_room_count_estimate").GetInt32().ShouldBe(5);
    }

    [Fact]
    public async Task Post_filters_by_search_term_over_name_topic_and_canonical_alias()
    {
        var byName = await host.Client.CreateRoomAsync(alice, """{"visibility":"public","name":"Cheese Lovers"}""");
        var byTopic = await host.Client.CreateRoomAsync(alice, """{"visibility":"public","topic":"we talk CHEESE"}""");
        var byAlias = await host.Client.CreateRoomAsync(alice, """{"visibility":"public","room_alias_name":"cheeseboard"}""");
        await host.Client.CreateRoomAsync(alice, """{"visibility":"public","name":"Wine"}""");

        var page = await PostAsync("""{"filter":{"generic_search_term":" cheese "}}""");

        RoomIds(page).Order(StringComparer.Ordinal).ShouldBe(new[] { byName, byTopic, byAlias }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Post_filters_by_room_type_with_null_for_rooms_without_one()
    {
        var plain = await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");
        var space = await host.Client.CreateRoomAsync(alice, """{"visibility":"public","creation_content":{"type":"m.space"}}""");

        RoomIds(await PostAsync("""{"filter":{"room_types":["m.space"]}}""")).ShouldBe([space]);
        RoomIds(await PostAsync("""{"filter":{"room_types":[null]}}""")).ShouldBe([plain]);
        RoomIds(await PostAsync("""{"filter":{"room_types":[]}}""")).Length.ShouldBe(2);
        RoomIds(await PostAsync("""{"include_all_networks":true,"limit":10}""")).Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_third_party_network_has_no_rooms_here()
    {
        await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");

        RoomIds(await PostAsync("""{"third_party_instance_id":"irc"}""")).ShouldBeEmpty();
        await (await host.Client.PostJsonAsync(PublicRooms, """{"third_party_instance_id":"irc","include_all_networks":true}""", alice))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Only_this_servers_directory_is_listed()
    {
        await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");

        RoomIds(await GetAsync("?server=example.org")).Length.ShouldBe(1);
        await (await host.Client.GetWithTokenAsync(PublicRooms + "?server=elsewhere.org", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PostJsonAsync(PublicRooms + "?server=elsewhere.org", "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("?since=garbage")]
    [InlineData("?since=bnwxMnw")]
    [InlineData("?limit=ten")]
    [InlineData("?limit=-1")]
    public async Task Bad_query_parameters_are_invalid_params(string query)
    {
        await (await host.Client.GetWithTokenAsync(PublicRooms + query, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("""{"limit":"ten"}""")]
    [InlineData("""{"filter":{"room_types":"m.space"}}""")]
    [InlineData("""{"filter":{"room_types":[1]}}""")]
    [InlineData("""{"filter":{"generic_search_term":1}}""")]
    public async Task Bad_post_bodies_are_bad_json(string body)
    {
        await (await host.Client.PostJsonAsync(PublicRooms, body, alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Get_needs_no_token_but_post_does_and_guests_may_only_get()
    {
        await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        RoomIds(await GetAsync()).Length.ShouldBe(1);
        RoomIds(await GetAsync(token: guest)).Length.ShouldBe(1);
        await (await host.Client.PostJsonAsync(PublicRooms, "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PostJsonAsync(PublicRooms, "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
