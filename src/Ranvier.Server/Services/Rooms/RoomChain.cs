using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// A new room's first events (createRoom, room upgrades), each built on the one before and checked against the
/// state they make so far, held in memory until <see cref="RoomEventPipeline.PersistNewRoomAsync"/> writes them all.
/// </summary>
internal sealed class RoomChain(RoomEventPipeline pipeline, RoomVersion version)
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly Dictionary<(string Type, string StateKey), Pdu> _state = [];
    private readonly List<Pdu> _events = [];

    public IReadOnlyList<Pdu> Events => _events;

    /// <summary>A fresh random room ID for versions that name rooms; null from v12, where the create event names the room.</summary>
    public static string? NewRoomId(RoomVersion version, string serverName) =>
        version.RoomIdFromCreateEvent ? null : "!" + RandomNumberGenerator.GetString(IdAlphabet, 18) + ":" + serverName;

    public void Start(Pdu create)
    {
        Accept(create);
    }

    public void Add(string type, string stateKey, string sender, JsonObject content)
    {
        var draft = new EventDraft(_events[0].RoomId, type, stateKey, sender, content);
        Accept(pipeline.Build(version, draft, [PrevEvent.Of(_events[^1], version)], _state));
    }

    private void Accept(Pdu pdu)
    {
        var check = EventAuth.Check(version, pdu, new AuthState(_state));
        if (check.Rejected)
        {
            throw new MatrixError(400, "M_INVALID_ROOM_STATE", $"The initial state of the room is not allowed: {pdu.Type} ({pdu.StateKey}): {check.Reason}");
        }

        _state[(pdu.Type, pdu.StateKey!)] = pdu;
        _events.Add(pdu);
    }
}
