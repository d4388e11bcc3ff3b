using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Testing;

namespace Ranvier.Storage.Tests.Rooms;

/// <summary>Shorthands for events that do not follow a straight line (forks, gaps, outliers).</summary>
internal static class RoomEvents
{
    public static Pdu Pdu(string roomId, string eventId, string type, string? stateKey, string[] prevEvents, long depth) =>
        LinearRoom.BuildPdu(roomId, eventId, type, stateKey, prevEvents, [], depth);

    public static EventToPersist Request(Pdu pdu, EventStatus status, StateInput? stateBefore, StateInput? currentStateAfter = null, bool backfilled = false) =>
        new(pdu, System.Text.Encoding.UTF8.GetBytes(pdu.Json.ToJsonString()), RoomVersions.V10, status, stateBefore, backfilled, currentStateAfter);

    public static EventToPersist Accepted(Pdu pdu, StateInput stateBefore, StateInput? currentStateAfter = null) =>
        Request(pdu, EventStatus.Accepted, stateBefore, currentStateAfter);

    public static Dictionary<StateKey, string> State(params (string Type, string Key, string EventId)[] entries) =>
        entries.ToDictionary(e => new StateKey(e.Type, e.Key), e => e.EventId);
}
