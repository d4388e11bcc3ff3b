using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API redactions (redaction.yaml).</summary>
internal static class RedactionEndpoints
{
    public static void MapRedactionEndpoints(this RouteGroupBuilder client) =>
        client.MapPut("/rooms/{roomId}/redact/{eventId}/{txnId}", Redact).RequireAccessToken().AllowGuests();

    /// <summary>PUT /rooms/{roomId}/redact/{eventId}/{txnId} with an optional <c>reason</c>.</summary>
    private static async Task<JsonObject> Redact(
        string roomId, string eventId, string txnId, HttpRequest request, RequestContext context, RanvierOptions options,
        RedactionService redactions, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var content = new JsonObject();
        if (JsonFields.OptionalString(body, "reason") is { } reason)
        {
            content["reason"] = reason;
        }

        var transaction = new ClientTransaction(context.UserId, context.DeviceId, roomId, txnId);
        var pdu = await redactions.RedactAsync(context, roomId, eventId, content, transaction, cancellationToken);
        return new JsonObject { ["event_id"] = pdu.EventId };
    }
}
