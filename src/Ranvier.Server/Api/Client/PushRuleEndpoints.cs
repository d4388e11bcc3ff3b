using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Push;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Push Rules: API" (pushrules.yaml). The only ruleset is <c>global</c>; other scopes in the
/// path are answered 400 M_INVALID_PARAM.
/// </summary>
internal static class PushRuleEndpoints
{
    public static void MapPushRuleEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/pushrules/", GetAll).RequireAccessToken();
        client.MapGet("/pushrules/{scope}/", GetScope).RequireAccessToken();
        client.MapGet("/pushrules/{scope}/{kind}/{ruleId}", GetRule).RequireAccessToken();
        client.MapPut("/pushrules/{scope}/{kind}/{ruleId}", SetRule).RequireAccessToken();
        client.MapDelete("/pushrules/{scope}/{kind}/{ruleId}", DeleteRule).RequireAccessToken();
        client.MapGet("/pushrules/{scope}/{kind}/{ruleId}/enabled", GetEnabled).RequireAccessToken();
        client.MapPut("/pushrules/{scope}/{kind}/{ruleId}/enabled", SetEnabled).RequireAccessToken();
        client.MapGet("/pushrules/{scope}/{kind}/{ruleId}/actions", GetActions).RequireAccessToken();
        client.MapPut("/pushrules/{scope}/{kind}/{ruleId}/actions", SetActions).RequireAccessToken();
    }

    /// <summary>GET /pushrules/ — every ruleset: <c>{"global": …}</c>.</summary>
    private static async Task<JsonObject> GetAll(RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken) =>
        PushRuleService.ToAccountDataContent(await pushRules.GetRulesAsync(context.UserId, cancellationToken));

    /// <summary>GET /pushrules/global/ — the global ruleset.</summary>
    private static async Task<JsonObject> GetScope(string scope, RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        return (await pushRules.GetRulesAsync(context.UserId, cancellationToken)).ToJson();
    }

    /// <summary>GET /pushrules/global/{kind}/{ruleId}.</summary>
    private static async Task<JsonObject> GetRule(
        string scope, string kind, string ruleId, RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        return (await pushRules.GetRuleAsync(context.UserId, kind, ruleId, cancellationToken)).ToJson();
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}?before=&amp;after= — creates or replaces a user-defined rule.</summary>
    private static async Task<EmptyResponse> SetRule(
        string scope, string kind, string ruleId, string? before, string? after, HttpRequest request, RequestContext context,
        RanvierOptions options, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await pushRules.SetRuleAsync(context.UserId, kind, ruleId, body, before, after, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>DELETE /pushrules/global/{kind}/{ruleId}.</summary>
    private static async Task<EmptyResponse> DeleteRule(
        string scope, string kind, string ruleId, RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        await pushRules.DeleteRuleAsync(context.UserId, kind, ruleId, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>GET /pushrules/global/{kind}/{ruleId}/enabled.</summary>
    private static async Task<JsonObject> GetEnabled(
        string scope, string kind, string ruleId, RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        var rule = await pushRules.GetRuleAsync(context.UserId, kind, ruleId, cancellationToken);
        return new JsonObject { ["enabled"] = rule.Enabled };
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/enabled.</summary>
    private static async Task<EmptyResponse> SetEnabled(
        string scope, string kind, string ruleId, HttpRequest request, RequestContext context, RanvierOptions options,
        PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await pushRules.SetEnabledAsync(context.UserId, kind, ruleId, body, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>GET /pushrules/global/{kind}/{ruleId}/actions.</summary>
    private static async Task<JsonObject> GetActions(
        string scope, string kind, string ruleId, RequestContext context, PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        var rule = await pushRules.GetRuleAsync(context.UserId, kind, ruleId, cancellationToken);
        return new JsonObject { ["actions"] = PushAction.ToJsonArray(rule.Actions) };
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/actions.</summary>
    private static async Task<EmptyResponse> SetActions(
        string scope, string kind, string ruleId, HttpRequest request, RequestContext context, RanvierOptions options,
        PushRuleService pushRules, CancellationToken cancellationToken)
    {
        PushRuleService.CheckScope(scope);
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await pushRules.SetActionsAsync(context.UserId, kind, ruleId, body, cancellationToken);
        return EmptyResponse.Instance;
    }
}
