using System.Text.Json.Nodes;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// A local event before the server fills in its graph fields (prev_events, auth_events, depth), hashes and signs
/// it. <paramref name="StateKey"/> is null for message events. <paramref name="Redacts"/> is the target of an
/// m.room.redaction; the pipeline places it where the room version wants it. <paramref name="Transaction"/> makes a
/// client request idempotent.
/// </summary>
public sealed record EventDraft(
    string RoomId,
    string Type,
    string? StateKey,
    string Sender,
    JsonObject Content,
    string? Redacts = null,
    ClientTransaction? Transaction = null);
