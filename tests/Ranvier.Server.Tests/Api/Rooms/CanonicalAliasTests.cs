using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Checks on a client's m.room.canonical_alias (spec: room_state.yaml, PUT /rooms/{roomId}/state: M_BAD_ALIAS, M_INVALID_PARAM).</summary>
public sealed class CanonicalAliasTests : RoomTestBase
{
    private string roomId = null!;
    private string otherRoomId = null!;

    protected override async Task SetUpAsync()
    {
        roomId = await host.Client.CreateRoomAsync(alice);
        otherRoomId = await host.Client.CreateRoomAsync(alice);
        await host.Client.CreateAliasAsync(alice, "#here:example.org", roomId);
        await host.Client.CreateAliasAsync(alice, "#alt:example.org", roomId);
        await host.Client.CreateAliasAsync(alice, "#there:example.org", otherRoomId);
    }

    private Task<HttpResponseMessage> PutAsync(string content) =>
        host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/state/m.room.canonical_alias", content, alice);

    [Fact]
    public async Task Aliases_that_point_at_the_room_are_accepted()
    {
        await (await PutAsync("""{"alias":"#here:example.org","alt_aliases":["#alt:example.org"]}""")).ShouldBeOkJsonAsync();

        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.canonical_alias")).GetProperty("alt_aliases")[0].GetString().ShouldBe("#alt:example.org");
    }

    [Theory]
    [InlineData("""{"alias":"#there:example.org"}""")]
    [InlineData("""{"alias":"#nothing:example.org"}""")]
    [InlineData("""{"alias":"#here:example.org","alt_aliases":["#there:example.org"]}""")]
    [InlineData("""{"alt_aliases":["#room:elsewhere.org"]}""")]
    public async Task Aliases_that_do_not_point_at_the_room_are_bad_aliases_and_nothing_is_sent(string content)
    {
        await (await PutAsync(content)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_ALIAS");

        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.canonical_alias", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"alias":"here:example.org"}""")]
    [InlineData("""{"alias":"#here"}""")]
    [InlineData("""{"alias":5}""")]
    [InlineData("""{"alt_aliases":"#here:example.org"}""")]
    [InlineData("""{"alt_aliases":[""]}""")]
    [InlineData("""{"alt_aliases":[null]}""")]
    public async Task Malformed_aliases_are_invalid_params(string content)
    {
        await (await PutAsync(content)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_empty_or_null_alias_means_no_canonical_alias()
    {
        await (await PutAsync("""{"alias":""}""")).ShouldBeOkJsonAsync();
        await (await PutAsync("""{"alias":null,"alt_aliases":[]}""")).ShouldBeOkJsonAsync();
        await (await PutAsync("{}")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task Aliases_already_in_the_event_are_not_checked_again()
    {
        await (await PutAsync("""{"alias":"#here:example.org","alt_aliases":["#alt:example.org"]}""")).ShouldBeOkJsonAsync();
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#alt:example.org"), alice)).ShouldBeOkJsonAsync();

        await (await PutAsync("""{"alias":"#alt:example.org"}""")).ShouldBeOkJsonAsync();
        await (await PutAsync("""{"alias":"#here:example.org"}""")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task Other_state_keys_are_not_checked()
    {
        await (await host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/state/m.room.canonical_alias/other", """{"alias":"#nothing:example.org"}""", alice))
            .ShouldBeOkJsonAsync();
    }
}
