using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Receipts;
using ProtocolEventId = Ranvier.Protocol.Identifiers.EventId;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API read markers (read_markers.yaml).</summary>
internal static class ReadMarkerEndpoints
{
    public static void MapReadMarkerEndpoints(this RouteGroupBuilder client) =>
        client.MapPost("/rooms/{roomId}/read_markers", SetReadMarkers).RequireAccessToken();

    /// <summary>POST /rooms/{roomId}/read_markers with optional <c>m.fully_read</c>, <c>m.read</c> and <c>m.read.private</c>.</summary>
    private static async Task<EmptyResponse> SetReadMarkers(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, ReadMarkerService readMarkers, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var markers = new ReadMarkers(
            ReadMarkerRequests.OptionalEventId(body, ReceiptTypes.FullyRead),
            ReadMarkerRequests.OptionalEventId(body, ReceiptTypes.Read),
            ReadMarkerRequests.OptionalEventId(body, ReceiptTypes.ReadPrivate));
        await readMarkers.SetAsync(context, roomId, markers, cancellationToken);
        return EmptyResponse.Instance;
    }
}

/// <summary>The event-ID checks the receipt and read-marker endpoints share: 400 M_INVALID_PARAM for what is not an event ID.</summary>
internal static class ReadMarkerRequests
{
    public static bool IsEventId(string value) => ProtocolEventId.TryParse(value, out _);

    public static void CheckEventId(string eventId, string what)
    {
        if (!ProtocolEventId.TryParse(eventId, out _, out var error))
        {
            throw MatrixError.InvalidParam($"{what} is not an event ID: {error}");
        }
    }

    /// <summary>A body field holding an event ID, or null when absent (400 M_BAD_JSON when it is not a string).</summary>
    public static string? OptionalEventId(JsonObject body, string name)
    {
        var value = JsonFields.OptionalString(body, name);
        if (value is not null)
        {
            CheckEventId(value, $"'{name}'");
        }

        return value;
    }
}
