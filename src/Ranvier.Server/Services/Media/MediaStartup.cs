namespace Ranvier.Server.Services.Media;

/// <summary>
/// Readies the media repository at start: the file store's directories (temporary files of an interrupted run
/// removed). libvips is loaded with the first image (<see cref="ThumbnailService"/>), which logs whether it is there.
/// </summary>
internal sealed class MediaStartup(MediaFileStore files) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        files.Prepare();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
