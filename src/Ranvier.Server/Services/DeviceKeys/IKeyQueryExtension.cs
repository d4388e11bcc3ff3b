using System.Text.Json.Nodes;

namespace Ranvier.Server.Services.DeviceKeys;

/// <summary>
/// Adds to a POST /keys/query answer what other E2EE modules own (cross-signing keys and the signatures uploaded for
/// device keys). Called once per query, after the device keys are in place, with the local users that were asked for.
/// Register with <c>.AddSingleton&lt;IKeyQueryExtension, …&gt;()</c>.
/// </summary>
public interface IKeyQueryExtension
{
    /// <summary>Adds this module's part to <paramref name="response"/>.</summary>
    /// <param name="requesterUserId">Who asks (some keys and signatures are only for their owner's eyes).</param>
    /// <param name="userIds">The local users queried.</param>
    /// <param name="response">The answer so far: <c>device_keys</c> (user → device → keys) and <c>failures</c>.</param>
    /// <param name="cancellationToken">The request's.</param>
    Task ExtendAsync(string requesterUserId, IReadOnlyList<string> userIds, JsonObject response, CancellationToken cancellationToken);
}
