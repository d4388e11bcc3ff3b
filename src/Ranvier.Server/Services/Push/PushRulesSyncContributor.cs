using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// Puts the effective <c>m.push_rules</c> into /sync's global account data (spec: "Push Rules: Events"). Edits
/// are stored as account data, so the sync service already reports them when they change; this contributor adds
/// the ruleset to initial syncs of users who never edited it (nothing is stored for them), and writes the current
/// effective rules over a stored copy so server-default changes reach clients too.
/// </summary>
public sealed class PushRulesSyncContributor(PushRuleService pushRules) : ISyncContributor
{
    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var userId = window.Request.UserId;
        var stored = response.AccountData.OfType<JsonObject>()
            .FirstOrDefault(e => JsonNodeValues.GetString(e["type"]) == PushRuleService.AccountDataType);
        var fromScratch = window.From is null;
        if (stored is null && (!fromScratch || !window.Request.Filter.AccountData.Allows(PushRuleService.AccountDataType, userId)))
        {
            return;
        }

        var content = PushRuleService.ToAccountDataContent(await pushRules.GetRulesAsync(userId, cancellationToken));
        if (stored is not null)
        {
            stored["content"] = content;
        }
        else
        {
            response.AccountData.Add((JsonNode)new JsonObject { ["type"] = PushRuleService.AccountDataType, ["content"] = content });
        }
    }
}
