namespace Ranvier.Storage.Rooms;

/// <summary>The (event type, state key) pair that identifies one entry of a room's state.</summary>
public readonly record struct StateKey(string Type, string Key)
{
    public override string ToString() => $"({Type}, {Key})";
}
