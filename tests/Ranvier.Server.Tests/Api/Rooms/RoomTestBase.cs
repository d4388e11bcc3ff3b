using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>The fixture most room tests share: a fresh in-process server for example.org with alice, bob and carol signed in.</summary>
public abstract class RoomTestBase : IAsyncLifetime
{
    protected TestHost host = null!;
    protected string alice = null!;
    protected string bob = null!;
    protected string carol = null!;

    protected HttpClient Client => host.Client;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        alice = await host.CreateUserWithTokenAsync("alice");
        bob = await host.CreateUserWithTokenAsync("bob");
        carol = await host.CreateUserWithTokenAsync("carol");
        await SetUpAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>What a test class adds once the users exist (rooms, more users).</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;
}
