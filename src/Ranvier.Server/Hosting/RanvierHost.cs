using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Ranvier.Server.Api;
using Ranvier.Server.Api.Json;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Keys;
using Ranvier.Server.Services.Memory;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage;

namespace Ranvier.Server.Hosting;

/// <summary>
/// Builds the web application from validated options: Kestrel, logging, services, middleware and endpoints.
/// Program uses it for the real process; tests use it with a test server.
/// </summary>
public static partial class RanvierHost
{
    /// <summary>
    /// Creates the builder with every service registered; the caller may adjust it (tests swap the server).
    /// Opens the store and loads the signing key first, so a problem with either stops start-up with a clear
    /// <see cref="StartupException"/> before anything listens.
    /// </summary>
    public static async Task<WebApplicationBuilder> CreateBuilderAsync(RanvierOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        ConfigureLogging(builder.Logging, options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(options.ListenAddress, options.ListenPort);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // The naming policy is applied at run time from these options, so it is set here as well as on the context.
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, RanvierJsonContext.Default);
        });
        builder.Services.AddRanvierServices();

        using (var loggerFactory = LoggerFactory.Create(logging => ConfigureLogging(logging, options)))
        {
            builder.Services.AddSingleton(ServerKeyring.LoadOrCreate(options.SigningKeyPath, loggerFactory.CreateLogger("Ranvier.Keys")));
        }

        var store = await StoreFactory.OpenAsync(options, cancellationToken);
        // UIA sessions live in memory, so no registration-token use can still be pending from before this start.
        await store.RegistrationTokens.ClearPendingAsync(cancellationToken);
        // The notify step starts where the store's stream ends, so waiters compare against real positions.
        var notifier = new StreamNotifier();
        notifier.Advance(await store.Rooms.GetMaxStreamPositionAsync(cancellationToken));
        builder.Services.AddSingleton(notifier);
        // Registered through a factory so the container disposes it at shutdown: the writer drains, the file closes.
        builder.Services.AddSingleton<IRanvierStore>(_ => store);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Accounts);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().RegistrationTokens);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().ServerKeys);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Rooms);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().RoomDirectory);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().UserData);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().RoomMemberships);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Relations);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().ContentReports);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Media);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Receipts);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Presence);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().ToDevice);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().KeyBackups);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().DehydratedDevices);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().PushActions);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().DeviceKeys);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().CrossSigning);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().Pushers);
        builder.Services.AddSingleton(services => services.GetRequiredService<IRanvierStore>().DeviceLists);

        return builder;
    }

    /// <summary>Adds the middleware pipeline and maps every endpoint group.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<RanvierOptions>();
        if (options.TrustedProxies.Count > 0)
        {
            // Only the configured proxies may say who the client is; anyone else's X-Forwarded-For is ignored.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                forwarded.KnownProxies.Add(proxy);
            }

            app.UseForwardedHeaders(forwarded);
        }

        var activity = app.Services.GetRequiredService<RequestActivity>();
        app.Use((context, next) =>
        {
            activity.Seen();
            return next(context);
        });
        app.UseMiddleware<MatrixCors>();
        app.UseMiddleware<MatrixErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<EncodedSlashRouteValues>();
        app.UseMiddleware<AccessTokenMiddleware>();
        app.MapRanvierEndpoints();
        return app;
    }

    /// <summary>Says, once the listener is up, where everything is.</summary>
    public static void LogStartup(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<RanvierOptions>();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ranvier");
        LogStarted(
            logger,
            options.ServerName,
            addresses is null ? "(none)" : string.Join(", ", addresses),
            options.ConfigPath ?? "none (built-in defaults)",
            options.DataDirectory,
            options.SqlitePath,
            options.SigningKeyPath);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, RanvierOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.LogLevel);
        // ASP.NET Core's own request logs are noise at Information; keep its warnings.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        if (options.LogFormat == LogFormat.Json)
        {
            logging.AddJsonConsole(json => json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                console.UseUtcTimestamp = true;
            });
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Ranvier is serving {ServerName} on {Addresses}; config: {ConfigPath}; data: {DataDirectory}; database: {DatabasePath}; signing key: {SigningKeyPath}")]
    private static partial void LogStarted(ILogger logger, string serverName, string addresses, string configPath,
        string dataDirectory, string databasePath, string signingKeyPath);
}
