using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Receipts;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API receipts (receipts.yaml).</summary>
internal static class ReceiptEndpoints
{
    public static void MapReceiptEndpoints(this RouteGroupBuilder client) =>
        client.MapPost("/rooms/{roomId}/receipt/{receiptType}/{eventId}", SendReceipt).RequireAccessToken();

    /// <summary>
    /// POST /rooms/{roomId}/receipt/{receiptType}/{eventId} with an optional <c>thread_id</c>. m.fully_read here is the
    /// read marker ("this endpoint effectively calls /read_markers"), which has no threads.
    /// </summary>
    private static async Task<EmptyResponse> SendReceipt(
        string roomId, string receiptType, string eventId, HttpRequest request, RequestContext context, RanvierOptions options,
        ReceiptService receipts, ReadMarkerService readMarkers, CancellationToken cancellationToken)
    {
        // Some clients post no body at all; it reads as {}.
        var body = await JsonBody.ReadObjectOrEmptyAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var threadId = JsonFields.OptionalString(body, "thread_id");
        if (threadId is not null && threadId != ReceiptTypes.MainThread && !ReadMarkerRequests.IsEventId(threadId))
        {
            throw MatrixError.InvalidParam("thread_id must be \"main\" or the event ID of a thread root");
        }

        ReadMarkerRequests.CheckEventId(eventId, "The event ID");
        if (receiptType == ReceiptTypes.FullyRead)
        {
            if (threadId is not null)
            {
                throw MatrixError.InvalidParam($"thread_id is not allowed for {ReceiptTypes.FullyRead}");
            }

            await readMarkers.SetAsync(context, roomId, new ReadMarkers(eventId, null, null), cancellationToken);
        }
        else
        {
            await receipts.SendAsync(context, roomId, receiptType, eventId, threadId, cancellationToken);
        }

        return EmptyResponse.Instance;
    }
}
