using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.KeyBackup;

public sealed class KeyBackupTests : IAsyncLifetime
{
    private const string Prefix = "/_matrix/client/v3/room_keys";
    private const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
    private const string Room = "!room:example.org";
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

    private static string KeyData(long index = 0, long forwarded = 0, bool verified = false, string ciphertext = "c1") =>
        $$$"""{"first_message_index":{{{index}}},"forwarded_count":{{{forwarded}}},"is_verified":{{{(verified ? "true" : "false")}}},"session_data":{"ephemeral":"e","ciphertext":"{{{ciphertext}}}","mac":"m"}}""";

    /// <summary>A RoomKeyBackup body: session ID → KeyBackupData.</summary>
    private static string Sessions(params (string Id, string Data)[] sessions) =>
        "{\"sessions\":{" + string.Join(",", sessions.Select(x => JsonSerializer.Serialize(x.Id) + ":" + x.Data)) + "}}";

    /// <summary>A PUT /room_keys/keys body: room ID → RoomKeyBackup.</summary>
    private static string Rooms(params (string RoomId, string Sessions)[] rooms) =>
        "{\"rooms\":{" + string.Join(",", rooms.Select(x => JsonSerializer.Serialize(x.RoomId) + ":" + x.Sessions)) + "}}";

    private static string Path(string? room = null, string? session = null, string? version = "1")
    {
        var path = Prefix + "/keys";
        if (room is not null)
        {
            path += "/" + Uri.EscapeDataString(room);
        }

        if (session is not null)
        {
            path += "/" + Uri.EscapeDataString(session);
        }

        return version is null ? path : path + "?version=" + version;
    }

    private async Task<string> CreateVersionAsync(string? token = null, string publicKey = "pk")
    {
        var body = await (await host.Client.PostJsonAsync(Prefix + "/version", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"{{{publicKey}}}"}}""", token ?? aliceToken))
            .ShouldBeOkJsonAsync();
        return body.GetProperty("version").GetString()!;
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? token = null) => host.Client.GetWithTokenAsync(path, token ?? aliceToken);

    private Task<HttpResponseMessage> PutAsync(string path, string json, string? token = null) => host.Client.PutJsonAsync(path, json, token ?? aliceToken);

    private async Task<JsonElement> CurrentAsync() => await (await GetAsync(Prefix + "/version")).ShouldBeOkJsonAsync();

    [Fact]
    public async Task A_created_version_is_the_current_one_with_no_keys()
    {
        (await CreateVersionAsync()).ShouldBe("1");

        var current = await CurrentAsync();
        current.GetProperty("version").GetString().ShouldBe("1");
        current.GetProperty("algorithm").GetString().ShouldBe(Algorithm);
        current.GetProperty("auth_data").GetRawText().ShouldBe("""{"public_key":"pk"}""");
        current.GetProperty("count").GetInt64().ShouldBe(0);
        current.GetProperty("etag").ValueKind.ShouldBe(JsonValueKind.String);
        (await (await GetAsync(Prefix + "/version/1")).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(current.GetRawText());
    }

    [Fact]
    public async Task Without_a_backup_the_current_version_and_unknown_versions_are_not_found()
    {
        await (await GetAsync(Prefix + "/version")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Prefix + "/version/1")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await CreateVersionAsync();
        await (await GetAsync(Prefix + "/version/2")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Prefix + "/version/abc")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Backups_are_private_to_their_user()
    {
        await CreateVersionAsync();
        await (await PutAsync(Path(Room, "s1"), KeyData())).ShouldBeOkJsonAsync();

        await (await GetAsync(Prefix + "/version", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Path(), bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.DeleteWithTokenAsync(Prefix + "/version/1", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await CreateVersionAsync(bobToken)).ShouldBe("1");
        (await (await GetAsync(Path(), bobToken)).ShouldBeOkJsonAsync()).GetProperty("rooms").EnumerateObject().ShouldBeEmpty();
        (await CurrentAsync()).GetProperty("count").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task The_endpoints_need_an_access_token()
    {
        await (await host.Client.GetWithTokenAsync(Prefix + "/version", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PutJsonAsync(Path(Room, "s1"), KeyData(), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Guests_may_not_keep_backups()
    {
        var guestToken = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        await (await host.Client.PostJsonAsync(Prefix + "/version", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"x"}}""", guestToken))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Updating_a_version_replaces_its_auth_data_only_when_algorithm_and_version_match()
    {
        await CreateVersionAsync();

        await (await PutAsync(Prefix + "/version/1", """{"algorithm":"other.algorithm","auth_data":{"public_key":"x"}}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PutAsync(Prefix + "/version/1", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"x"},"version":"2"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PutAsync(Prefix + "/version/7", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"x"}}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await CurrentAsync()).GetProperty("auth_data").GetRawText().ShouldBe("""{"public_key":"pk"}""");

        var ok = await (await PutAsync(Prefix + "/version/1", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"new","signatures":{}},"version":"1"}""")).ShouldBeOkJsonAsync();

        ok.EnumerateObject().ShouldBeEmpty();
        (await CurrentAsync()).GetProperty("auth_data").GetRawText().ShouldBe("""{"public_key":"new","signatures":{}}""");
    }

    [Theory]
    [InlineData("""{"auth_data":{"public_key":"x"}}""", "M_MISSING_PARAM")]
    [InlineData("""{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2"}""", "M_MISSING_PARAM")]
    [InlineData("""{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{}}""", "M_MISSING_PARAM")]
    [InlineData("""{"algorithm":7,"auth_data":{"public_key":"x"}}""", "M_BAD_JSON")]
    [InlineData("""{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":"x"}""", "M_BAD_JSON")]
    [InlineData("""{"algorithm":"","auth_data":{}}""", "M_INVALID_PARAM")]
    [InlineData("""not json""", "M_NOT_JSON")]
    public async Task A_bad_version_body_is_refused_and_creates_nothing(string body, string errcode)
    {
        await (await host.Client.PostJsonAsync(Prefix + "/version", body, aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        await (await GetAsync(Prefix + "/version")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_unknown_algorithm_is_stored_as_given()
    {
        await (await host.Client.PostJsonAsync(Prefix + "/version", """{"algorithm":"org.example.future","auth_data":{"k":1}}""", aliceToken)).ShouldBeOkJsonAsync();

        (await CurrentAsync()).GetProperty("algorithm").GetString().ShouldBe("org.example.future");
    }

    [Fact]
    public async Task Deleting_a_version_removes_it_and_its_keys_and_a_repeat_succeeds()
    {
        await CreateVersionAsync();
        await CreateVersionAsync();
        await (await PutAsync(Path(Room, "s1", version: "2"), KeyData())).ShouldBeOkJsonAsync();

        await (await host.Client.DeleteWithTokenAsync(Prefix + "/version/2", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.DeleteWithTokenAsync(Prefix + "/version/2", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.DeleteWithTokenAsync(Prefix + "/version/3", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");

        await (await GetAsync(Prefix + "/version/2")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Path(version: "2"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await CurrentAsync()).GetProperty("version").GetString().ShouldBe("1");
        (await CreateVersionAsync()).ShouldBe("3");
    }

    [Fact]
    public async Task Keys_stored_by_session_room_and_whole_backup_are_read_back_in_each_shape()
    {
        await CreateVersionAsync();
        await (await PutAsync(Path(Room, "s1"), KeyData(ciphertext: "one"))).ShouldBeOkJsonAsync();
        await (await PutAsync(Path(Room), Sessions(("s2", KeyData(index: 3))))).ShouldBeOkJsonAsync();
        await (await PutAsync(Path(), Rooms(("!other:example.org", Sessions(("s+/3", KeyData(verified: true))))))).ShouldBeOkJsonAsync();

        var one = await (await GetAsync(Path(Room, "s1"))).ShouldBeOkJsonAsync();
        one.GetRawText().ShouldBe(KeyData(ciphertext: "one"));
        var room = await (await GetAsync(Path(Room))).ShouldBeOkJsonAsync();
        room.GetProperty("sessions").EnumerateObject().Select(p => p.Name).ShouldBe(["s1", "s2"]);
        var all = await (await GetAsync(Path())).ShouldBeOkJsonAsync();
        all.GetProperty("rooms").EnumerateObject().Select(p => p.Name).ShouldBe(["!other:example.org", Room]);
        all.GetProperty("rooms").GetProperty("!other:example.org").GetProperty("sessions").GetProperty("s+/3").GetRawText().ShouldBe(KeyData(verified: true));
        (await (await GetAsync(Path("!other:example.org", "s+/3"))).ShouldBeOkJsonAsync()).GetProperty("is_verified").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Reading_what_is_not_there_gives_empty_maps_or_not_found_for_one_key()
    {
        await CreateVersionAsync();

        (await (await GetAsync(Path())).ShouldBeOkJsonAsync()).GetRawText().ShouldBe("""{"rooms":{}}""");
        (await (await GetAsync(Path(Room))).ShouldBeOkJsonAsync()).GetRawText().ShouldBe("""{"sessions":{}}""");
        await (await GetAsync(Path(Room, "s1"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Path(version: "5"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await GetAsync(Path(Room, version: "5"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Writing_to_a_version_that_is_not_current_is_refused_with_the_current_version()
    {
        await CreateVersionAsync();
        await CreateVersionAsync();

        foreach (var (path, body) in new[] { (Path(Room, "s1"), KeyData()), (Path(Room), Sessions(("s1", KeyData()))), (Path(), Rooms((Room, Sessions(("s1", KeyData()))))) })
        {
            var error = await (await PutAsync(path, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_WRONG_ROOM_KEYS_VERSION");
            error.GetProperty("current_version").GetString().ShouldBe("2");
        }

        (await (await GetAsync(Path(version: "1"))).ShouldBeOkJsonAsync()).GetProperty("rooms").EnumerateObject().ShouldBeEmpty();
        var unknown = await (await PutAsync(Path(Room, "s1", version: "99"), KeyData())).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_WRONG_ROOM_KEYS_VERSION");
        unknown.GetProperty("current_version").GetString().ShouldBe("2");
    }

    [Fact]
    public async Task Writing_without_any_backup_is_not_found()
    {
        await (await PutAsync(Path(Room, "s1"), KeyData())).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_stored_key_is_replaced_only_by_a_better_one()
    {
        await CreateVersionAsync();
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 5, forwarded: 1, ciphertext: "first"))).ShouldBeOkJsonAsync();

        // Worse: a later first message index, even with fewer forwards.
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 6, forwarded: 0, ciphertext: "later"))).ShouldBeOkJsonAsync();
        // Worse: more forwards at the same index.
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 5, forwarded: 2, ciphertext: "forwarded"))).ShouldBeOkJsonAsync();
        (await (await GetAsync(Path(Room, "s1"))).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(KeyData(index: 5, forwarded: 1, ciphertext: "first"));

        // Better: verified beats everything else.
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 9, forwarded: 9, verified: true, ciphertext: "verified"))).ShouldBeOkJsonAsync();
        (await (await GetAsync(Path(Room, "s1"))).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(KeyData(index: 9, forwarded: 9, verified: true, ciphertext: "verified"));

        // Then an unverified key never replaces it, and among verified ones the earlier index wins.
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 0, forwarded: 0, ciphertext: "unverified"))).ShouldBeOkJsonAsync();
        await (await PutAsync(Path(Room, "s1"), KeyData(index: 8, forwarded: 9, verified: true, ciphertext: "earlier"))).ShouldBeOkJsonAsync();
        (await (await GetAsync(Path(Room, "s1"))).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(KeyData(index: 8, forwarded: 9, verified: true, ciphertext: "earlier"));
    }

    [Fact]
    public async Task Etag_and_count_follow_changes_to_the_keys_only()
    {
        await CreateVersionAsync();
        var initial = (await CurrentAsync()).GetProperty("etag").GetString();

        var put = await (await PutAsync(Path(Room), Sessions(("s1", KeyData(index: 2)), ("s2", KeyData())))).ShouldBeOkJsonAsync();
        put.GetProperty("count").GetInt64().ShouldBe(2);
        var afterPut = put.GetProperty("etag").GetString();
        afterPut.ShouldNotBe(initial);
        (await CurrentAsync()).GetProperty("etag").GetString().ShouldBe(afterPut);

        var ignored = await (await PutAsync(Path(Room, "s1"), KeyData(index: 3))).ShouldBeOkJsonAsync();
        ignored.GetProperty("etag").GetString().ShouldBe(afterPut);
        ignored.GetProperty("count").GetInt64().ShouldBe(2);

        await (await PutAsync(Prefix + "/version/1", $$$"""{"algorithm":"{{{Algorithm}}}","auth_data":{"public_key":"other"}}""")).ShouldBeOkJsonAsync();
        (await CurrentAsync()).GetProperty("etag").GetString().ShouldBe(afterPut);

        var replaced = await (await PutAsync(Path(Room, "s1"), KeyData(index: 1))).ShouldBeOkJsonAsync();
        replaced.GetProperty("count").GetInt64().ShouldBe(2);
        replaced.GetProperty("etag").GetString().ShouldNotBe(afterPut);

        var deleted = await (await host.Client.DeleteWithTokenAsync(Path(Room, "s2"), aliceToken)).ShouldBeOkJsonAsync();
        deleted.GetProperty("count").GetInt64().ShouldBe(1);
        deleted.GetProperty("etag").GetString().ShouldNotBe(replaced.GetProperty("etag").GetString());
        (await CurrentAsync()).GetProperty("count").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Keys_are_deleted_by_session_room_or_all_and_deleting_nothing_succeeds()
    {
        await CreateVersionAsync();
        await (await PutAsync(Path(), Rooms((Room, Sessions(("s1", KeyData()), ("s2", KeyData()))), ("!b:example.org", Sessions(("s3", KeyData())))))).ShouldBeOkJsonAsync();

        (await (await host.Client.DeleteWithTokenAsync(Path(Room, "s1"), aliceToken)).ShouldBeOkJsonAsync()).GetProperty("count").GetInt64().ShouldBe(2);
        (await (await host.Client.DeleteWithTokenAsync(Path(Room, "s1"), aliceToken)).ShouldBeOkJsonAsync()).GetProperty("count").GetInt64().ShouldBe(2);
        (await (await host.Client.DeleteWithTokenAsync(Path(Room), aliceToken)).ShouldBeOkJsonAsync()).GetProperty("count").GetInt64().ShouldBe(1);
        (await (await host.Client.DeleteWithTokenAsync(Path(), aliceToken)).ShouldBeOkJsonAsync()).GetProperty("count").GetInt64().ShouldBe(0);
        await (await host.Client.DeleteWithTokenAsync(Path(version: "4"), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await CurrentAsync()).GetProperty("version").GetString().ShouldBe("1");
    }

    [Fact]
    public async Task The_version_query_parameter_is_required()
    {
        await CreateVersionAsync();

        await (await PutAsync(Path(Room, "s1", version: null), KeyData())).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await GetAsync(Path(version: null))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await host.Client.DeleteWithTokenAsync(Path(Room, version: null), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        (await CurrentAsync()).GetProperty("count").GetInt64().ShouldBe(0);
    }

    public static TheoryData<string, string, string> BadKeyBodies => new()
    {
        { "session", """{"forwarded_count":0,"is_verified":false,"session_data":{}}""", "M_MISSING_PARAM" },
        { "session", """{"first_message_index":0,"is_verified":false,"session_data":{}}""", "M_MISSING_PARAM" },
        { "session", """{"first_message_index":0,"forwarded_count":0,"session_data":{}}""", "M_MISSING_PARAM" },
        { "session", """{"first_message_index":0,"forwarded_count":0,"is_verified":false}""", "M_MISSING_PARAM" },
        { "session", """{"first_message_index":"0","forwarded_count":0,"is_verified":false,"session_data":{}}""", "M_BAD_JSON" },
        { "session", """{"first_message_index":1.5,"forwarded_count":0,"is_verified":false,"session_data":{}}""", "M_BAD_JSON" },
        { "session", """{"first_message_index":-1,"forwarded_count":0,"is_verified":false,"session_data":{}}""", "M_INVALID_PARAM" },
        { "session", """{"first_message_index":0,"forwarded_count":0,"is_verified":"yes","session_data":{}}""", "M_BAD_JSON" },
        { "session", """{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":"x"}""", "M_BAD_JSON" },
        { "room", """{}""", "M_MISSING_PARAM" },
        { "room", """{"sessions":[]}""", "M_BAD_JSON" },
        { "room", """{"sessions":{"ok":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}},"bad":7}}""", "M_BAD_JSON" },
        { "room", """{"sessions":{"ok":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}},"":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}}}}""", "M_INVALID_PARAM" },
        { "all", """{}""", "M_MISSING_PARAM" },
        { "all", """{"rooms":{"!a:example.org":{"sessions":{"ok":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}}}},"not-a-room":{"sessions":{}}}}""", "M_INVALID_PARAM" },
        { "all", """{"rooms":{"!a:example.org":{"sessions":{"ok":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}}}},"!b:example.org":[]}}""", "M_BAD_JSON" },
        { "all", """[]""", "M_BAD_JSON" },
        { "all", """{"rooms":{}}, """, "M_NOT_JSON" },
    };

    [Theory]
    [MemberData(nameof(BadKeyBodies))]
    public async Task A_bad_keys_body_is_refused_and_stores_nothing(string shape, string body, string errcode)
    {
        await CreateVersionAsync();
        var path = shape switch
        {
            "session" => Path(Room, "s1"),
            "room" => Path(Room),
            _ => Path(),
        };

        await (await PutAsync(path, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        var current = await CurrentAsync();
        current.GetProperty("count").GetInt64().ShouldBe(0);
        current.GetProperty("etag").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task A_path_room_id_that_is_not_a_room_id_is_refused()
    {
        await CreateVersionAsync();

        await (await PutAsync(Path("room", "s1"), KeyData())).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await GetAsync(Path("room"))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
