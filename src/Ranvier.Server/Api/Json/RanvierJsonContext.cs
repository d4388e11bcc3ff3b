using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ranvier.Server.Api.Admin;
using Ranvier.Server.Api.Client;
using Ranvier.Server.Api.Federation;
using Ranvier.Server.Api.Media;

namespace Ranvier.Server.Api.Json;

/// <summary>
/// Source-generated JSON metadata for every request and response type, so serialisation needs no
/// reflection. Property names follow the spec's snake_case.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VersionsResponse))]
[JsonSerializable(typeof(WellKnownClientResponse))]
[JsonSerializable(typeof(WellKnownServerResponse))]
[JsonSerializable(typeof(FederationVersionResponse))]
[JsonSerializable(typeof(WhoAmIResponse))]
[JsonSerializable(typeof(RegisterResponse))]
[JsonSerializable(typeof(AvailableResponse))]
[JsonSerializable(typeof(LoginFlowsResponse))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(RefreshResponse))]
[JsonSerializable(typeof(LoginTokenResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DevicesResponse))]
[JsonSerializable(typeof(KeysChangesResponse))]
[JsonSerializable(typeof(UnbindResultResponse))]
[JsonSerializable(typeof(ThreePidsResponse))]
[JsonSerializable(typeof(TokenValidityResponse))]
[JsonSerializable(typeof(NonceResponse))]
[JsonSerializable(typeof(SharedSecretRegisterResponse))]
[JsonSerializable(typeof(RegistrationTokenResponse))]
[JsonSerializable(typeof(RegistrationTokenListResponse))]
[JsonSerializable(typeof(FilterCreatedResponse))]
[JsonSerializable(typeof(ContentUriResponse))]
[JsonSerializable(typeof(CreateContentResponse))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
internal sealed partial class RanvierJsonContext : JsonSerializerContext;
