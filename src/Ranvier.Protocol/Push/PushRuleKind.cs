using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Push;

/// <summary>The kinds of push rule, in the order they are checked (spec: client-server API, "Push Rules").</summary>
public enum PushRuleKind
{
    Override = 0,
    Content = 1,
    Room = 2,
    Sender = 3,
    Underride = 4,
}

/// <summary>The wire names of <see cref="PushRuleKind"/> and the order in which kinds are evaluated.</summary>
public static class PushRuleKinds
{
    /// <summary>Every kind, highest priority first.</summary>
    public static readonly IReadOnlyList<PushRuleKind> InPriorityOrder =
        [PushRuleKind.Override, PushRuleKind.Content, PushRuleKind.Room, PushRuleKind.Sender, PushRuleKind.Underride];

    public static string Name(this PushRuleKind kind) => kind switch
    {
        PushRuleKind.Override => "override",
        PushRuleKind.Content => "content",
        PushRuleKind.Room => "room",
        PushRuleKind.Sender => "sender",
        PushRuleKind.Underride => "underride",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind named <paramref name="name"/> (exact, lower case as the spec spells it).</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out PushRuleKind? kind)
    {
        kind = name switch
        {
            "override" => PushRuleKind.Override,
            "content" => PushRuleKind.Content,
            "room" => PushRuleKind.Room,
            "sender" => PushRuleKind.Sender,
            "underride" => PushRuleKind.Underride,
            _ => null,
        };
        return kind is not null;
    }

    /// <summary>Override and underride rules carry a list of conditions; the other kinds have implied ones.</summary>
    public static bool HasConditions(this PushRuleKind kind) => kind is PushRuleKind.Override or PushRuleKind.Underride;
}
