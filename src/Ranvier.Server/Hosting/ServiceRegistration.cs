using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.CrossSigning;
using Ranvier.Server.Services.Dehydration;
using Ranvier.Server.Services.DeviceKeys;
using Ranvier.Server.Services.DeviceLists;
using Ranvier.Server.Services.Devices;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.KeyBackup;
using Ranvier.Server.Services.Media;
using Ranvier.Server.Services.Memory;
using Ranvier.Server.Services.Presence;
using Ranvier.Server.Services.Profiles;
using Ranvier.Server.Services.Push;
using Ranvier.Server.Services.RateLimiting;
using Ranvier.Server.Services.Receipts;
using Ranvier.Server.Services.Rooms;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.ToDevice;
using Ranvier.Server.Services.Typing;

namespace Ranvier.Server.Hosting;

/// <summary>Registers the server's services in one place.</summary>
internal static class ServiceRegistration
{
    public static IServiceCollection AddRanvierServices(this IServiceCollection services) => services
        .AddSingleton<UserInteractiveAuth>()
        .AddSingleton<AccountService>()
        .AddSingleton<PasswordAuthStage>()
        .AddSingleton<DeviceService>()
        .AddSingleton<DeviceActivity>()
        .AddSingleton<RateLimits>()
        .AddSingleton<RegistrationTokens>()
        .AddSingleton<SharedSecretRegistration>()
        .AddSingleton<ProfileService>()
        .AddSingleton<AccountDataService>()
        .AddSingleton<FilterService>()
        .AddSingleton<MediaFileStore>()
        .AddSingleton<MediaRepository>()
        .AddSingleton<ThumbnailService>()
        .AddSingleton<PreviewFetcher>()
        .AddSingleton<UrlPreviewService>()
        .AddHostedService<MediaStartup>()
        .AddSingleton<RequestActivity>()
        .AddHostedService<IdleMemoryTrimmer>()
        .AddSingleton<RoomLocks>()
        .AddSingleton<RoomTips>()
        .AddSingleton<IReleasesMemory>(services => services.GetRequiredService<RoomTips>())
        .AddSingleton<RoomEventReader>()
        .AddSingleton<RoomEventPipeline>()
        .AddSingleton<ClientEventSerializer>()
        .AddSingleton<MemberContent>()
        .AddSingleton<RoomCreationService>()
        .AddSingleton<MembershipService>()
        .AddSingleton<RestrictedJoins>()
        .AddSingleton<RoomMembers>()
        .AddSingleton<ProfilePropagation>()
        .AddSingleton<RoomUpgradeService>()
        .AddSingleton<RoomReadAccess>()
        .AddSingleton<RoomDeparture>()
        .AddSingleton<RoomDirectoryAccess>()
        .AddSingleton<RoomAliasService>()
        .AddSingleton<CanonicalAliasRules>()
        .AddSingleton<RoomDirectoryService>()
        .AddSingleton<RedactionService>()
        .AddSingleton<RelationRules>()
        .AddSingleton<RelationsService>()
        .AddSingleton<ContentReportService>()
        .AddSingleton<EventVisibility>()
        .AddSingleton<RoomTimeline>()
        .AddSingleton<SyncChangeIndex>()
        .AddSingleton<LazyMemberCache>()
        .AddSingleton<SyncMemberships>()
        .AddSingleton<IReleasesMemory>(services => services.GetRequiredService<SyncMemberships>())
        .AddSingleton<SyncTimelineReader>()
        .AddSingleton<SyncStateReader>()
        .AddSingleton<SyncEventFormatter>()
        .AddSingleton<StrippedState>()
        .AddSingleton<RoomSyncBuilder>()
        .AddSingleton<RoomsSync>()
        .AddSingleton<AccountDataSync>()
        .AddSingleton<SyncService>()
        .AddSingleton<TypingTracker>()
        .AddSingleton<IRoomEventObserver>(services => services.GetRequiredService<TypingTracker>())
        .AddSingleton<TypingService>()
        .AddSingleton<ISyncContributor, TypingSyncContributor>()
        .AddSingleton<ReceiptService>()
        .AddSingleton<ReadMarkerService>()
        .AddSingleton<ISyncContributor, ReceiptSyncContributor>()
        .AddSingleton<PushRuleService>()
        .AddSingleton<ISyncContributor, PushRulesSyncContributor>()
        .AddSingleton<RoomPushAudiences>()
        .AddSingleton<EventPushEvaluator>()
        .AddSingleton<NotificationsService>()
        .AddSingleton<ISyncContributor, UnreadCountsSyncContributor>()
        .AddSingleton<UnreadBadge>()
        .AddSingleton<PushGatewayClient>()
        .AddSingleton<PushNotificationBuilder>()
        .AddSingleton<PusherService>()
        .AddSingleton<PusherSender>()
        .AddSingleton<PushDelivery>()
        .AddHostedService(services => services.GetRequiredService<PushDelivery>())
        .AddSingleton<PresenceService>()
        .AddHostedService<PresenceTimers>()
        .AddSingleton<ISyncContributor, PresenceSyncContributor>()
        .AddSingleton<ToDeviceService>()
        .AddSingleton<ISyncContributor, ToDeviceSyncContributor>()
        .AddSingleton<KeyBackupService>()
        .AddSingleton<DehydratedDeviceService>()
        .AddSingleton<DeviceKeyService>()
        .AddSingleton<ISyncContributor, OneTimeKeysSyncContributor>()
        .AddSingleton<CrossSigningService>()
        .AddSingleton<SignatureUploadService>()
        .AddSingleton<IKeyQueryExtension, CrossSigningQueryExtension>()
        .AddSingleton<DeviceListService>()
        .AddSingleton<ISyncContributor, DeviceListSyncContributor>();
}
