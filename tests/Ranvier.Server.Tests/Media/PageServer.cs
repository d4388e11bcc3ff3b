using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ranvier.Server.Tests.Media;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) serving the pages URL previews fetch in tests: the tests cannot
/// reach the internet, and previews must go through real sockets to exercise the address checks.
/// </summary>
internal sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int hits;

    private PageServer(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests served so far.</summary>
    public int Hits => Volatile.Read(ref hits);

    public static async Task<PageServer> StartAsync(byte[] image)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new PageServer(app);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref server.hits);
            return next(context);
        });
        app.MapGet("/page", () => Results.Content(
            """
            <html><head>
            <title>Ignored title</title>
            <meta property="og:title" content="A &amp; B" />
            <meta content='Two  lines
              of text' property='og:description'>
            <meta property="og:image" content="/image.png">
            <meta name="og:site_name" content=Example>
            </head><body>hello</body></html>
            """,
            "text/html; charset=utf-8"));
        app.MapGet("/plain", () => Results.Content(
            "<html><head><title> Just a title </title><meta name=\"description\" content=\"From the description tag\"></head></html>", "text/html"));
        app.MapGet("/image.png", () => Results.Bytes(image, "image/png"));
        app.MapGet("/counter", () => Results.Content($"<title>visit {server.Hits}</title>", "text/html"));
        app.MapGet("/redirect", (HttpContext context) => Results.Redirect("/page"));
        app.MapGet("/loop", (HttpContext context) => Results.Redirect("/loop"));
        app.MapGet("/redirect-inside", (HttpContext context) => Results.Redirect($"http://127.0.0.2:{context.Connection.LocalPort}/page"));
        app.MapGet("/big", () => Results.Content("<title>big</title>" + new string('x', 2_000_000), "text/html"));
        app.MapGet("/missing", () => Results.NotFound());
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
