using System.Text.Json.Nodes;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// Reads who a password belongs to (spec: client-server API "Identifier types"), shared by login and the
/// m.login.password UIA stage: <c>identifier: {type: m.id.user, user}</c>, or the deprecated top-level
/// <c>user</c>. Third-party identifiers are not supported (no identity-server support).
/// </summary>
public static class UserIdentifier
{
    /// <summary>The user as the client wrote it (a localpart or a full user ID).</summary>
    public static string Read(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (JsonFields.OptionalObject(body, "identifier") is { } identifier)
        {
            var identifierType = JsonFields.RequiredString(identifier, "type");
            if (identifierType != "m.id.user")
            {
                throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", $"Unsupported identifier type '{identifierType}'");
            }

            return JsonFields.RequiredString(identifier, "user");
        }

        return JsonFields.OptionalString(body, "user") ?? throw MatrixError.MissingParam("'identifier' is required");
    }
}
