using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.CrossSigning;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Cross-signing" (cross_signing.yaml): publishing cross-signing keys and signatures.</summary>
internal static class CrossSigningEndpoints
{
    public static void MapCrossSigningEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/keys/device_signing/upload", UploadKeys).RequireAccessToken();
        client.MapPost("/keys/signatures/upload", UploadSignatures).RequireAccessToken();
    }

    /// <summary>
    /// POST /keys/device_signing/upload: the user's master, self-signing and user-signing keys. The request is checked
    /// first; user-interactive authentication (the password) follows only when the upload replaces stored keys.
    /// </summary>
    private static async Task<IResult> UploadKeys(
        HttpRequest request, RequestContext context, RanvierOptions options, CrossSigningService crossSigning,
        UserInteractiveAuth uia, PasswordAuthStage password, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var upload = await crossSigning.PrepareAsync(context, body, cancellationToken);
        if (!upload.RequiresAuth)
        {
            await crossSigning.CommitAsync(upload, cancellationToken);
            return TypedResults.Ok(EmptyResponse.Instance);
        }

        // The session is bound to the user: it cannot authorise someone else's key replacement.
        var outcome = await uia.AuthenticateAsync($"device_signing_upload:{context.UserId}", body, PasswordAuthStage.Flows, password.For(context.UserId), cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        await crossSigning.CommitAsync(upload, cancellationToken);
        outcome.Complete();
        return TypedResults.Ok(EmptyResponse.Instance);
    }

    /// <summary>POST /keys/signatures/upload: signatures of keys; per-key failures in the answer.</summary>
    private static async Task<JsonObject> UploadSignatures(
        HttpRequest request, RequestContext context, RanvierOptions options, SignatureUploadService signatures, CancellationToken cancellationToken) =>
        await signatures.UploadAsync(context, await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken), cancellationToken);
}
