using System.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Configuration;
using Ranvier.Server.Hosting;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>
/// An in-process Ranvier on ASP.NET Core's test server, with its own temporary data directory.
/// The <c>configure</c> callback may adjust the app before it starts (e.g. map a test-only endpoint).
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestHost(WebApplication app, TempDirectory directory, RanvierOptions options)
    {
        this.app = app;
        Directory = directory;
        Options = options;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public RanvierOptions Options { get; }

    public TempDirectory Directory { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Starts a host; <paramref name="time"/> replaces the system clock (see <see cref="ManualTimeProvider"/>).</summary>
    public static async Task<TestHost> StartAsync(string yaml = "", Action<WebApplication>? configure = null, TimeProvider? time = null)
    {
        var directory = new TempDirectory();
        // The test's own data directory, unless the YAML names one (tests of restarts reuse a directory).
        var environment = yaml.Contains("data_directory:", StringComparison.Ordinal)
            ? new Hashtable()
            : new Hashtable { ["RANVIER_DATA_DIRECTORY"] = directory.Path };
        if (!yaml.Contains("password_hashing:", StringComparison.Ordinal))
        {
            // The cheapest Argon2id cost keeps tests fast; the cost itself is tested in the protocol tests.
            environment["RANVIER_PASSWORD_HASHING__ITERATIONS"] = "1";
            environment["RANVIER_PASSWORD_HASHING__MEMORY_KIB"] = "64";
        }
        try
        {
            var options = ConfigLoader.FromYaml(yaml, null, environment);
            var builder = await RanvierHost.CreateBuilderAsync(options);
            builder.WebHost.UseTestServer();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            var app = RanvierHost.Build(builder);
            configure?.Invoke(app);
            await app.StartAsync();
            return new TestHost(app, directory, options);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Puts a user with one device and one access token straight into the store (the registration API
    /// is tested on its own); returns the token.
    /// </summary>
    public async Task<string> CreateUserWithTokenAsync(string localpart, AccountKind kind = AccountKind.User, long? expiresTs = null, bool deactivated = false, bool admin = false)
    {
        var accounts = app.Services.GetRequiredService<IAccountStore>();
        var userId = $"@{localpart}:{Options.ServerName}";
        await accounts.CreateUserAsync(new UserRecord(userId, null, kind, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), deactivated, admin));
        await accounts.CreateDeviceAsync(new DeviceRecord(userId, "DEVICE" + localpart.ToUpperInvariant(), null));
        var token = AccessTokens.Generate();
        await accounts.StoreAccessTokenAsync(new AccessTokenRecord(AccessTokens.Hash(token), userId, "DEVICE" + localpart.ToUpperInvariant(), expiresTs));
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Dispose();
    }
}
