using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ranvier.Server.Http;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Http;

public class HttpSurfaceTests
{
    [Fact]
    public async Task Unknown_path_is_404_M_UNRECOGNIZED()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.Client.GetAsync("/_matrix/client/v3/no_such_endpoint");

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task Known_path_with_the_wrong_method_is_405_M_UNRECOGNIZED()
    {
        await using var host = await TestHost.StartAsync();

        var response = await host.Client.PostAsync("/_matrix/client/versions", new StringContent("{}"));

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.MethodNotAllowed, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task Every_response_carries_the_CORS_headers()
    {
        await using var host = await TestHost.StartAsync();

        foreach (var path in new[] { "/_matrix/client/versions", "/_matrix/client/v3/nothing" })
        {
            var response = await host.Client.GetAsync(path);
            AssertCors(response);
        }
    }

    [Fact]
    public async Task Preflight_is_answered_without_running_the_endpoint()
    {
        var ran = false;
        await using var host = await TestHost.StartAsync(configure: app => app.MapPost("/_test/effect", () =>
        {
            ran = true;
            return Results.Ok();
        }));
        using var request = new HttpRequestMessage(HttpMethod.Options, "/_test/effect");
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        var response = await host.Client.SendAsync(request);

        response.IsSuccessStatusCode.ShouldBeTrue();
        AssertCors(response);
        ran.ShouldBeFalse();
    }

    [Fact]
    public async Task An_unexpected_exception_is_500_M_UNKNOWN_without_internal_detail()
    {
        await using var host = await TestHost.StartAsync(configure: app =>
            app.MapGet("/_test/boom", IResult () => throw new InvalidOperationException("secret internal detail")));

        var response = await host.Client.GetAsync("/_test/boom");

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.InternalServerError, "M_UNKNOWN");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("secret");
        AssertCors(response);
    }

    [Fact]
    public async Task A_thrown_MatrixError_becomes_its_response()
    {
        await using var host = await TestHost.StartAsync(configure: app =>
            app.MapGet("/_test/limited", IResult () => throw MatrixError.LimitExceeded(TimeSpan.FromMilliseconds(1500))));

        var response = await host.Client.GetAsync("/_test/limited");

        var body = await response.ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        body.GetProperty("retry_after_ms").GetInt64().ShouldBe(1500);
        response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("{not json", "M_NOT_JSON", HttpStatusCode.BadRequest)]
    [InlineData("", "M_NOT_JSON", HttpStatusCode.BadRequest)]
    [InlineData("{\"a\":1,\"a\":2}", "M_NOT_JSON", HttpStatusCode.BadRequest)]
    [InlineData("{} {}", "M_NOT_JSON", HttpStatusCode.BadRequest)]
    [InlineData("[1,2]", "M_BAD_JSON", HttpStatusCode.BadRequest)]
    [InlineData("\"text\"", "M_BAD_JSON", HttpStatusCode.BadRequest)]
    public async Task Malformed_json_bodies_get_the_right_error(string body, string errcode, HttpStatusCode status)
    {
        await using var host = await TestHost.StartAsync(configure: MapEcho);

        var response = await host.Client.PostAsync("/_test/echo", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task A_well_formed_json_body_is_read()
    {
        await using var host = await TestHost.StartAsync(configure: MapEcho);

        var response = await host.Client.PostAsync("/_test/echo", new StringContent("{\"a\": [1, \"é\"]}", Encoding.UTF8, "application/json"));

        (await response.ShouldBeOkJsonAsync()).GetProperty("a")[1].GetString().ShouldBe("é");
    }

    [Fact]
    public async Task A_json_body_over_the_limit_is_413_M_TOO_LARGE()
    {
        await using var host = await TestHost.StartAsync("limits:\n  max_json_body_bytes: 2048\n", MapEcho);
        var big = "{\"x\":\"" + new string('a', 4096) + "\"}";

        var sized = await host.Client.PostAsync("/_test/echo", new StringContent(big, Encoding.UTF8, "application/json"));
        await sized.ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");

        // Without a Content-Length (chunked), the limit is enforced while reading.
        var chunked = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await host.Client.PostAsync("/_test/echo", chunked);
        await streamed.ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    private static void MapEcho(WebApplication app) =>
        app.MapPost("/_test/echo", async (HttpRequest request) =>
            Results.Json(await JsonBody.ReadObjectAsync(request, app.Services.GetOptions().MaxJsonBodyBytes, request.HttpContext.RequestAborted)));

    private static void AssertCors(HttpResponseMessage response)
    {
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe(["*"]);
        response.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("OPTIONS");
        response.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldContain("Authorization");
    }

    /// <summary>A stream without a known length, so the client sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
