using Ranvier.Server.Api.Admin;
using Ranvier.Server.Api.Client;
using Ranvier.Server.Api.Federation;
using Ranvier.Server.Api.Keys;
using Ranvier.Server.Api.Media;

namespace Ranvier.Server.Api;

/// <summary>Maps every endpoint group under its spec prefix.</summary>
internal static class EndpointRegistration
{
    /// <summary>The client API prefixes: v3, and r0 for older clients such as Hydrogen, served by the same handlers.</summary>
    private static readonly string[] ClientPrefixes = ["/_matrix/client/v3", "/_matrix/client/r0"];

    /// <summary>The media API prefixes outside /_matrix/client: v3, and r0 for older clients.</summary>
    private static readonly string[] MediaPrefixes = ["/_matrix/media/v3", "/_matrix/media/r0"];

    public static void MapRanvierEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapVersionsEndpoints();
        app.MapWellKnownEndpoints();
        app.MapFederationVersionEndpoints();
        app.MapServerKeyEndpoints();

        foreach (var prefix in ClientPrefixes)
        {
            var client = app.MapGroup(prefix);
            client.MapAccountEndpoints();
            client.MapRegistrationEndpoints();
            client.MapLoginEndpoints();
            client.MapDeviceEndpoints();
            client.MapThirdPartyIdEndpoints();
            client.MapProfileEndpoints();
            client.MapAccountDataEndpoints();
            client.MapFilterEndpoints();
            client.MapCapabilitiesEndpoints();
            client.MapRoomEndpoints();
            client.MapRoomMembershipEndpoints();
            client.MapRoomMembersEndpoints();
            client.MapRoomUpgradeEndpoints();
            client.MapDirectoryEndpoints();
            client.MapPublicRoomsEndpoints();
            client.MapRedactionEndpoints();
            client.MapReportEndpoints();
            client.MapRoomTimelineEndpoints();
            client.MapToDeviceEndpoints();
            client.MapCrossSigningEndpoints();
            client.MapDeviceListEndpoints();
            client.MapKeyBackupEndpoints();
            client.MapSyncEndpoints();
            client.MapTypingEndpoints();
            client.MapReceiptEndpoints();
            client.MapReadMarkerEndpoints();
            client.MapPushRuleEndpoints();
            client.MapNotificationEndpoints();
            client.MapKeysEndpoints();
            client.MapPusherEndpoints();
            client.MapPresenceEndpoints();
        }

        var clientV1 = app.MapGroup("/_matrix/client/v1");
        clientV1.MapRegistrationV1Endpoints();
        clientV1.MapLoginV1Endpoints();
        clientV1.MapRelationsEndpoints();
        clientV1.MapRoomTimelineV1Endpoints();

        app.MapGroup(DehydratedDeviceEndpoints.UnstablePrefix).MapDehydratedDeviceEndpoints();

        foreach (var prefix in MediaPrefixes)
        {
            var media = app.MapGroup(prefix);
            media.MapMediaUploadEndpoints();
            media.MapLegacyDownloadEndpoints();
            media.MapMediaInfoEndpoints();
        }

        app.MapGroup("/_matrix/media/v1").MapMediaCreateEndpoints();
        var authenticatedMedia = app.MapGroup("/_matrix/client/v1/media");
        authenticatedMedia.MapAuthenticatedDownloadEndpoints();
        authenticatedMedia.MapMediaInfoEndpoints();

        var synapseAdmin = app.MapGroup("/_synapse/admin/v1");
        synapseAdmin.MapSharedSecretRegistrationEndpoints();
        synapseAdmin.MapRegistrationTokenAdminEndpoints();
    }
}
