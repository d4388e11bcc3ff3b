using Ranvier.Protocol.Crypto;
using Ranvier.Server.Hosting;

namespace Ranvier.Server.Services.Keys;

/// <summary>
/// This server's signing keys: the current one signs everything the server sends; none are retired yet
/// (old_verify_keys stays empty until key rotation exists). Loaded from the key file at start, or created
/// there on first start with mode 0600 so only the server's user can read it.
/// </summary>
public sealed partial class ServerKeyring
{
    private ServerKeyring(SigningKey current) => Current = current;

    public SigningKey Current { get; }

    /// <summary>Reads the key file, creating it with a fresh key when it does not exist.</summary>
    public static ServerKeyring LoadOrCreate(string path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return new ServerKeyring(Read(path, logger));
        }

        var key = SigningKey.Generate();
        Write(path, key);
        LogCreated(logger, key.KeyId.ToString(), path);
        return new ServerKeyring(key);
    }

    private static SigningKey Read(string path, ILogger logger)
    {
        IReadOnlyList<SigningKey> keys;
        try
        {
            keys = SigningKey.ParseKeyFile(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The signing key file '{path}' cannot be used: {e.Message}", e);
        }

        if (keys.Count == 0)
        {
            throw new StartupException($"The signing key file '{path}' holds no key.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            LogReadableByOthers(logger, path);
        }

        return keys[0];
    }

    private static void Write(string path, SigningKey key)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Created 0600 from the start: the secret is never readable by others, not even briefly.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(SigningKey.FormatKeyFile([key]));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The signing key file '{path}' cannot be created: {e.Message}", e);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Created signing key {KeyId} in {Path}")]
    private static partial void LogCreated(ILogger logger, string keyId, string path);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The signing key file {Path} is readable by other users; chmod 600 it")]
    private static partial void LogReadableByOthers(ILogger logger, string path);
}
