using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Push;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// Runs push rules on a new local event for every local user of its room except the sender (spec: client-server API
/// "Push Notifications", "Server behaviour"): the joined members, and the invitee of an invite. The outcome is persisted
/// with the event (<see cref="EventPush"/>), so counts and pushers read it from the store. The event's thread is
/// found by following its relation up to <see cref="MaxThreadHops"/> times ("Receiving notifications").
/// </summary>
public sealed partial class EventPushEvaluator(
    RanvierOptions options, RoomEventReader reader, RoomPushAudiences audiences, PushRuleService rules, ILogger<EventPushEvaluator> logger)
{
    /// <summary>Relations followed to find a thread root, as the spec recommends.</summary>
    public const int MaxThreadHops = 3;

    private readonly ServerName _serverName = ServerName.Parse(options.ServerName);

    /// <summary>
    /// The push outcome of <paramref name="pdu"/>, about to be persisted in a room of <paramref name="version"/>.
    /// Failing to evaluate never stops the event: it is logged and the event notifies nobody.
    /// </summary>
    public async Task<EventPush?> EvaluateAsync(Pdu pdu, RoomVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        try
        {
            var audience = await audiences.GetAsync(pdu.RoomId, version, cancellationToken).ConfigureAwait(false);
            var facts = new PushRoomFacts(audience.JoinedCount, audience.PowerLevels.UserLevel(pdu.Sender), audience.PowerLevels.Notifications);
            var groups = new List<(RuleOutcome Outcome, List<string> Users)>(2);
            var pushEvent = new PushEvent(pdu.Json);
            foreach (var (userId, displayName) in Recipients(pdu, audience))
            {
                var evaluator = await rules.GetEvaluatorAsync(userId, cancellationToken).ConfigureAwait(false);
                if (evaluator.FindMatch(pushEvent, facts, displayName) is { } rule && OutcomeOf(rule) is { Notifies: true } outcome)
                {
                    UsersOf(groups, outcome, audience.LocalMembers.Count).Add(userId);
                }
            }

            return new EventPush(
                await ThreadOfAsync(pdu.Content, cancellationToken).ConfigureAwait(false),
                groups.ConvertAll(static g => new PushGroup(g.Outcome.Highlights, g.Outcome.ActionsJson, g.Users)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEvaluationFailed(logger, e, pdu.EventId);
            return null;
        }
    }

    /// <summary>
    /// What a matched rule means for the store, worked out once per rule instance: rules never change, and each user's
    /// compiled rules serve every event until the user changes them, so the same few instances match again and again.
    /// </summary>
    private static RuleOutcome OutcomeOf(PushRule rule) =>
        Outcomes.GetValue(rule, static r => new RuleOutcome(
            PushActions.Notifies(r.Actions), PushActions.Highlights(r.Actions), PushAction.ToJsonArray(r.Actions).ToJsonString()));

    private static readonly ConditionalWeakTable<PushRule, RuleOutcome> Outcomes = [];

    /// <summary>
    /// The users of the group with this outcome, a new group if there is none yet. An event has a handful of outcomes at
    /// most (usually one: everyone's default rule), and equal rules of different users give equal outcomes.
    /// </summary>
    private static List<string> UsersOf(List<(RuleOutcome Outcome, List<string> Users)> groups, RuleOutcome outcome, int members)
    {
        foreach (var (existing, users) in groups)
        {
            if (existing.Highlights == outcome.Highlights && existing.ActionsJson == outcome.ActionsJson)
            {
                return users;
            }
        }

        // The first group usually holds nearly everyone; later ones (mentions, keywords) a few.
        var added = new List<string>(groups.Count == 0 ? members : 4);
        groups.Add((outcome, added));
        return added;
    }

    private sealed record RuleOutcome(bool Notifies, bool Highlights, string ActionsJson);

    private IEnumerable<(string UserId, string? DisplayName)> Recipients(Pdu pdu, RoomPushAudience audience)
    {
        foreach (var member in audience.LocalMembers)
        {
            if (member.UserId != pdu.Sender)
            {
                yield return member;
            }
        }

        // An invitee is not a member yet, but .m.rule.invite_for_me is for them.
        if (pdu.Type == EventTypes.Member && pdu.StateKey is { } invitee && invitee != pdu.Sender &&
            JsonNodeValues.GetString(pdu.Content, "membership") == Memberships.Invite &&
            UserId.TryParse(invitee, out var inviteeId) && inviteeId.Server == _serverName &&
            !audience.LocalMembers.Any(m => m.UserId == invitee))
        {
            yield return (invitee, null);
        }
    }

    /// <summary>The thread root of an event with this content, or <see cref="PushThreads.Main"/>.</summary>
    private async Task<string> ThreadOfAsync(JsonObject content, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxThreadHops; hop++)
        {
            if (content["m.relates_to"] is not JsonObject relation || JsonNodeValues.GetString(relation, "event_id") is not { } target)
            {
                return PushThreads.Main;
            }

            if (JsonNodeValues.GetString(relation, "rel_type") == "m.thread")
            {
                return target;
            }

            if (await reader.GetPduAsync(target, cancellationToken).ConfigureAwait(false) is not { } parent)
            {
                return PushThreads.Main;
            }

            content = parent.Content;
        }

        return PushThreads.Main;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluating push rules for {EventId} failed; it notifies nobody")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception, string eventId);
}
