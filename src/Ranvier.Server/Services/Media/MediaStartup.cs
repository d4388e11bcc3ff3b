namespace Ranvier.Server.Services.Media;

/// <summary>
/// Readies the media repository at start: the file store's directories (temporary files of an interrupted run
/// removed) and the thumbnailer, whose constructor logs whether libvips is there.
/// </summary>
internal sealed class MediaStartup(MediaFileStore files, ThumbnailService thumbnails) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        files.Prepare();
        _ = thumbnails.IsAvailable;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
