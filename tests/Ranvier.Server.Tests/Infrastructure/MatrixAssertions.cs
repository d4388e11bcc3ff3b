using System.Net;
using System.Text.Json;

namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>Assertions on Matrix-shaped responses.</summary>
public static class MatrixAssertions
{
    /// <summary>Asserts a Matrix error response with the given status and errcode; returns the body.</summary>
    public static async Task<JsonElement> ShouldBeMatrixErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string errcode)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("errcode").GetString().ShouldBe(errcode);
        body.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.String);
        return body.Clone();
    }

    /// <summary>Asserts success and returns the JSON body.</summary>
    public static async Task<JsonElement> ShouldBeOkJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
