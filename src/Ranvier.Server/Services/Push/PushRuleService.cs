using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Push;
using Ranvier.Server.Http;
using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// A user's push rules (spec: client-server API, "Push Rules: API"). The effective ruleset is kept as the user's
/// global account data <c>m.push_rules</c> ("Push Rules: Events"), so every edit takes a stream position and
/// reaches /sync like any account data; clients cannot write that type directly (AccountDataService refuses it).
/// Users who never edited a rule have nothing stored and get the server defaults.
/// </summary>
public sealed partial class PushRuleService(AccountDataService accountData, ILogger<PushRuleService> logger)
{
    /// <summary>The account-data type that carries the ruleset.</summary>
    public const string AccountDataType = "m.push_rules";

    /// <summary>The only ruleset the spec defines.</summary>
    public const string GlobalScope = "global";

    // Edits are read-modify-write of one document per user: one editor per user at a time. (The keyed lock the
    // rooms use, keyed here by user ID.) Single-node only, like the room locks.
    private readonly RoomLocks _userLocks = new();

    // Compiled rules per user for evaluation; an edit drops the user's entry. The generation makes sure a compile that
    // raced with an edit is not cached.
    private readonly ConcurrentDictionary<string, PushRuleEvaluator> _compiled = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Users whose compiled rules are kept at most; beyond it the cache starts over.</summary>
    public const int MaxCompiledUsers = 50_000;

    /// <summary>
    /// The rules in force for <paramref name="userId"/>: server defaults merged with the user's edits. This is what
    /// push evaluation reads.
    /// </summary>
    public async Task<PushRuleSet> GetRulesAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return DefaultPushRules.Effective(userId, await LoadSavedAsync(userId, cancellationToken));
    }

    /// <summary>The user's effective rules compiled for evaluation, cached until the user edits them.</summary>
    public async ValueTask<PushRuleEvaluator> GetEvaluatorAsync(string userId, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var evaluator = PushRuleEvaluator.Compile(await GetRulesAsync(userId, cancellationToken));
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_compiled.Count >= MaxCompiledUsers)
            {
                _compiled.Clear();
            }

            _compiled[userId] = evaluator;
        }

        return evaluator;
    }

    /// <summary>The <c>m.push_rules</c> content for <paramref name="rules"/>: <c>{"global": ruleset}</c>.</summary>
    public static JsonObject ToAccountDataContent(PushRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new JsonObject { [GlobalScope] = rules.ToJson() };
    }

    /// <summary>GET /pushrules/global/{kind}/{ruleId}: the rule, or 404 M_NOT_FOUND.</summary>
    public async Task<PushRule> GetRuleAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        var parsedKind = ParseKind(kind);
        return (await GetRulesAsync(userId, cancellationToken)).Find(parsedKind, ruleId) ?? throw RuleNotFound();
    }

    /// <summary>
    /// PUT /pushrules/global/{kind}/{ruleId}: creates or replaces a user-defined rule. A new rule goes where
    /// <paramref name="before"/> or <paramref name="after"/> put it (before wins when both are given), else at the
    /// top of the user rules of its kind; a replaced rule keeps its place and enabled flag unless moved.
    /// </summary>
    public async Task SetRuleAsync(
        string userId, string kind, string ruleId, JsonObject body, string? before, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parsedKind = ParseKind(kind);
        CheckNewRuleId(parsedKind, ruleId);
        var actions = ParseActions(body);
        IReadOnlyList<PushCondition>? conditions = null;
        string? pattern = null;
        if (parsedKind.HasConditions())
        {
            conditions = body["conditions"] switch
            {
                null => [],
                JsonArray array => Parse(() => PushCondition.ParseList(array)),
                _ => throw MatrixError.BadJson("'conditions' must be an array"),
            };
        }
        else if (parsedKind == PushRuleKind.Content)
        {
            pattern = JsonFields.RequiredString(body, "pattern");
        }

        await EditAsync(userId, rules =>
        {
            var list = rules[parsedKind].ToList();
            var index = list.FindIndex(rule => rule.RuleId == ruleId);
            var existing = index >= 0 ? list[index] : null;
            var rule = new PushRule(ruleId, Default: false, existing?.Enabled ?? true, actions, conditions, pattern);
            if (existing is not null)
            {
                list.RemoveAt(index);
            }

            var anchor = before ?? after;
            int position;
            if (anchor is not null)
            {
                // Only user-defined rules can be anchors ("It is not possible to add a rule relative to a predefined server rule").
                var anchorIndex = PushRule.IsServerDefaultId(anchor) ? -1 : list.FindIndex(r => r.RuleId == anchor);
                if (anchorIndex < 0)
                {
                    throw new MatrixError($"before/after rule not found: {anchor}");
                }

                position = before is not null ? anchorIndex : anchorIndex + 1;
            }
            else
            {
                position = existing is not null ? index : FirstUserRuleIndex(list);
            }

            list.Insert(position, rule);
            return rules.With(parsedKind, list);
        }, cancellationToken);
    }

    /// <summary>DELETE /pushrules/global/{kind}/{ruleId}: removes a user-defined rule; server-default rules cannot be removed.</summary>
    public Task DeleteRuleAsync(string userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        var parsedKind = ParseKind(kind);
        if (PushRule.IsServerDefaultId(ruleId))
        {
            // The spec's only error for this endpoint is 404; there is no user-defined rule of this ID to delete.
            throw MatrixError.NotFound("Server-default push rules cannot be deleted");
        }

        return EditAsync(userId, rules =>
        {
            var list = rules[parsedKind].ToList();
            return list.RemoveAll(rule => rule.RuleId == ruleId) == 0 ? throw RuleNotFound() : rules.With(parsedKind, list);
        }, cancellationToken);
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/enabled (server-default rules too).</summary>
    public Task SetEnabledAsync(string userId, string kind, string ruleId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parsedKind = ParseKind(kind);
        var enabled = body["enabled"] switch
        {
            null => throw MatrixError.MissingParam("'enabled' is required"),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw MatrixError.BadJson("'enabled' must be a boolean"),
        };
        return ChangeRuleAsync(userId, parsedKind, ruleId, rule => rule with { Enabled = enabled }, cancellationToken);
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/actions (server-default rules too).</summary>
    public Task SetActionsAsync(string userId, string kind, string ruleId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parsedKind = ParseKind(kind);
        var actions = ParseActions(body);
        return ChangeRuleAsync(userId, parsedKind, ruleId, rule => rule with { Actions = actions }, cancellationToken);
    }

    /// <summary>The kind named in the path; 400 M_INVALID_PARAM for anything else.</summary>
    public static PushRuleKind ParseKind(string kind) =>
        PushRuleKinds.TryParse(kind, out var parsed) ? parsed.Value : throw MatrixError.InvalidParam($"Unknown push rule kind '{kind}'");

    /// <summary>The ruleset named in the path; only <c>global</c> exists (400 M_INVALID_PARAM otherwise).</summary>
    public static void CheckScope(string scope)
    {
        if (scope != GlobalScope)
        {
            throw MatrixError.InvalidParam($"Unknown push rule scope '{scope}'; the only scope is 'global'");
        }
    }

    private Task ChangeRuleAsync(string userId, PushRuleKind kind, string ruleId, Func<PushRule, PushRule> change, CancellationToken cancellationToken) =>
        EditAsync(userId, rules =>
        {
            var rule = rules.Find(kind, ruleId) ?? throw RuleNotFound();
            return rules.With(kind, rules[kind].Select(r => ReferenceEquals(r, rule) ? change(r) : r));
        }, cancellationToken);

    private async Task EditAsync(string userId, Func<PushRuleSet, PushRuleSet> edit, CancellationToken cancellationToken)
    {
        using (await _userLocks.AcquireAsync(userId, cancellationToken))
        {
            var rules = edit(await GetRulesAsync(userId, cancellationToken));
            await accountData.SetServerManagedAsync(userId, null, AccountDataType, ToAccountDataContent(rules), cancellationToken);
            Interlocked.Increment(ref _generation);
            _compiled.TryRemove(userId, out _);
        }
    }

    private async Task<PushRuleSet?> LoadSavedAsync(string userId, CancellationToken cancellationToken)
    {
        var json = await accountData.GetGlobalJsonAsync(userId, AccountDataType, cancellationToken);
        if (json is null)
        {
            return null;
        }

        try
        {
            return StoredJson.Read(json)?[GlobalScope] is JsonObject global ? PushRuleSet.Parse(global) : null;
        }
        catch (Exception e) when (e is PushRuleFormatException or JsonException)
        {
            // Only this service writes the type; an unreadable document falls back to the defaults rather than
            // locking the user out of push rules (and out of clients that need them to start).
            LogUnreadableRules(userId, e.Message);
            return null;
        }
    }

    // User rules of a kind sit after .m.rule.master, above every other server-default rule.
    private static int FirstUserRuleIndex(List<PushRule> list)
    {
        var index = list.FindIndex(rule => rule.RuleId != DefaultPushRules.Master);
        return index < 0 ? list.Count : index;
    }

    // PUT rule IDs: not empty, no "/" or "\", no leading dot (reserved for server-default rules); room rules are
    // named by a room ID and sender rules by a user ID (spec: "Push Rules", rule kinds).
    private static void CheckNewRuleId(PushRuleKind kind, string ruleId)
    {
        if (ruleId.Length == 0 || ruleId.Contains('/', StringComparison.Ordinal) || ruleId.Contains('\\', StringComparison.Ordinal))
        {
            throw MatrixError.InvalidParam("A push rule ID must not be empty or contain '/' or '\\'");
        }

        if (PushRule.IsServerDefaultId(ruleId))
        {
            throw MatrixError.InvalidParam("Push rule IDs starting with '.' are reserved for server-default rules");
        }

        if (kind == PushRuleKind.Room && !RoomId.TryParse(ruleId, out _))
        {
            throw MatrixError.InvalidParam("The ID of a room rule must be a room ID");
        }

        if (kind == PushRuleKind.Sender && !UserId.TryParse(ruleId, out _))
        {
            throw MatrixError.InvalidParam("The ID of a sender rule must be a user ID");
        }
    }

    private static IReadOnlyList<PushAction> ParseActions(JsonObject body) => body["actions"] switch
    {
        null => throw MatrixError.MissingParam("'actions' is required"),
        JsonArray array => Parse(() => PushAction.ParseList(array)),
        _ => throw MatrixError.BadJson("'actions' must be an array"),
    };

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (PushRuleFormatException e)
        {
            throw MatrixError.BadJson(e.Message);
        }
    }

    private static MatrixError RuleNotFound() => MatrixError.NotFound("The push rule was not found.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored push rules of {UserId} are unreadable, using the defaults: {Reason}")]
    private partial void LogUnreadableRules(string userId, string reason);
}
