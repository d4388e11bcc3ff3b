using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.AccountTestClient;

namespace Ranvier.Server.Tests.Api;

public class ThirdPartyIdTests
{
    private const string Prefix = "/_matrix/client/v3/account/3pid";

    [Fact]
    public async Task An_account_has_no_third_party_identifiers()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("alice");

        var body = await (await host.Client.GetWithTokenAsync(Prefix, token)).ShouldBeOkJsonAsync();

        body.GetProperty("threepids").GetArrayLength().ShouldBe(0);
        await (await host.Client.GetWithTokenAsync(Prefix, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Theory]
    [InlineData("", """{"three_pid_creds":{"client_secret":"s","id_server":"id.example","id_access_token":"t","sid":"1"}}""", HttpStatusCode.Forbidden, "M_THREEPID_AUTH_FAILED")]
    [InlineData("", "{}", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("/add", """{"client_secret":"s","sid":"1"}""", HttpStatusCode.Forbidden, "M_THREEPID_DENIED")]
    [InlineData("/add", """{"client_secret":"s"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("/bind", """{"client_secret":"s","id_server":"id.example","id_access_token":"t","sid":"1"}""", HttpStatusCode.BadRequest, "M_SERVER_NOT_TRUSTED")]
    [InlineData("/bind", """{"client_secret":1}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("/delete", """{"medium":"fax","address":"1"}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("/delete", """{"medium":"email"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("/unbind", """{"address":"a@b.c"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("/email/requestToken", """{"client_secret":"s","email":"a@b.c","send_attempt":1}""", HttpStatusCode.BadRequest, "M_THREEPID_MEDIUM_NOT_SUPPORTED")]
    [InlineData("/email/requestToken", """{"client_secret":"s","email":"a@b.c","send_attempt":"1"}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("/msisdn/requestToken", """{"client_secret":"s","country":"GB","phone_number":"0777","send_attempt":1}""", HttpStatusCode.BadRequest, "M_THREEPID_MEDIUM_NOT_SUPPORTED")]
    [InlineData("/msisdn/requestToken", """{"client_secret":"s","country":"GB","send_attempt":1}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    public async Task Unsupported_3pid_operations_answer_what_the_spec_allows(string path, string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("alice");

        await (await host.Client.PostJsonAsync(Prefix + path, json, token)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Theory]
    [InlineData("/delete")]
    [InlineData("/unbind")]
    public async Task Deleting_or_unbinding_reports_no_support(string path)
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("alice");

        var body = await (await host.Client.PostJsonAsync(Prefix + path, """{"medium":"email","address":"a@b.c","id_server":"id.example"}""", token)).ShouldBeOkJsonAsync();

        body.GetProperty("id_server_unbind_result").GetString().ShouldBe("no-support");
    }
}
