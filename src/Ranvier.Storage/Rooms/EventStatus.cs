namespace Ranvier.Storage.Rooms;

/// <summary>
/// What the server concluded about a stored event. Events can arrive out of order and with unknown
/// history over federation, so every stored event carries one of these (spec: server-server API,
/// "Checks performed on receipt of a PDU" and "Soft failure").
/// </summary>
public enum EventStatus
{
    /// <summary>Passed every check; part of the room's DAG and state.</summary>
    Accepted = 0,

    /// <summary>Passes auth at its own state but not at the current state: stored with its state, never served as current.</summary>
    SoftFailed = 1,

    /// <summary>Failed auth: kept only so auth-chain questions about it can be answered; no state.</summary>
    Rejected = 2,

    /// <summary>Stored without knowing the state at it (e.g. from an auth chain); no state.</summary>
    Outlier = 3,
}
